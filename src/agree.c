/*
 * agree.c - annotator agreement, in input order on the consumer thread.
 *
 * Per row with judgments (row->annot, filled by annot.c): the number of
 * judgments with a known class, the majority class (LA_CLASS_UNKNOWN on a
 * tie), the majority share and the entropy in bits go into
 * row->r.agreement; judgments whose label the table does not know are
 * counted ("unknown_judgments") and otherwise ignored. Two findings:
 *   LOW_AGREEMENT  majority share under opt->low_agreement (default 0.6).
 *                  0.6 sits between the shares of the common splits: with
 *                  3 judgments a 2:1 split has share 0.67 and is NOT
 *                  flagged (two of three agreeing is the usual bar for a
 *                  crowd label), while every tie (1:1, 2:2, 1:1:1) and
 *                  2:1:1 (0.5) is. 3:2 of five (0.6) is not flagged.
 *                  Score LOW_BASE + LOW_SPAN * (threshold - share) /
 *                  threshold, within [0.15, 0.25]: informational, under
 *                  the default queue threshold (0.3), because
 *                  disagreement says the row is hard, not that its label
 *                  is wrong; the summary counts these rows. No suggested
 *                  class here; the pipeline raises the finding into the
 *                  queue when the Dawid-Skene posterior (la_agree_ds_class)
 *                  confidently favors another label. Pinned by test_agree
 *                  (test_row_findings) and tests/cases/agree-low-agreement.
 *   NOT_MAJORITY   the row's label class is known and differs from a
 *                  (tie-free) majority. Suggested class: the majority.
 *                  Score 0.6 + 0.7 * (s - 0.5) within [0.6, 0.95], where
 *                  s = (majority + 1) / (judgments + 2) is the share with
 *                  one pseudo-judgment for each side (Laplace's rule of
 *                  succession), so that one dissenting judgment (s 0.67,
 *                  score 0.72) ranks below three unanimous ones (s 0.8,
 *                  score 0.81) and fifty to one ranks near the top
 *                  (0.94). Pinned by test_row_findings and
 *                  tests/cases/agree-not-majority.
 *
 * Dataset level, accumulated as rows pass:
 *   - Krippendorff's alpha (nominal) from the coincidence matrix o[c][k]:
 *     each item with m >= 2 known judgments adds n_c * (n_k - [c == k]) /
 *     (m - 1); items with fewer are not pairable and excluded. Observed
 *     agreement A_o = sum_c o_cc / n, expected A_e = sum_c n_c (n_c - 1) /
 *     (n (n - 1)), alpha = (A_o - A_e) / (1 - A_e) = 1 - D_o / D_e. A_o is
 *     the pairwise agreement (share of agreeing ordered pairs of judgments
 *     on the same item, items weighted by their pairable judgments).
 *     Repeated judgments by one rater on one item count as separate
 *     values (they are counted as "repeated" too, see below).
 *   - Per annotator (a table indexed by annotator, found through an
 *     open-addressing hash of the id; nothing in it grows with rows):
 *     known judgments; for each judgment, the leave-one-out majority of the
 *     OTHER raters' judgments on the item (all judgments of the same rater
 *     are left out; ties and items with no other judgment give none);
 *     agreement = matches / compared; Cohen's kappa of the 4x4 table
 *     (own class x leave-one-out majority). Repeated judgments of one
 *     rater on one item: items counted, and how many were consistent.
 *   - Outliers, "the one in fifty method": among annotators with at
 *     least LA_AGREE_MIN_COMPARED (20) compared judgments, and when there
 *     are at least 3 of them, an annotator whose agreement lies more than
 *     2.054 standard deviations below their mean is an outlier: 2.054 is
 *     the one-sided 2% point of the normal, so among annotators who label
 *     alike, about one in fifty would fall there by chance. An eligible
 *     annotator whose kappa is below 0.2 ("slight" agreement in Landis and
 *     Koch's scale: barely better than chance) is an outlier too.
 *   - Dawid-Skene: EM over class priors and per-annotator confusion
 *     matrices (true class x given class). Anonymous judgments (--votes
 *     counts, arrays without rater ids) share one pooled annotator, index
 *     0: their raters are unknown, so one confusion matrix describes the
 *     crowd as a whole. Starts from the soft majority vote; add-one
 *     smoothing keeps every probability positive and gives an annotator
 *     seen a few times a near-uniform (low-weight) confusion. At most
 *     opt->ds_max_iter (default 50) E-steps; converged when the
 *     log-likelihood changes by less than 1e-6 per item.
 *
 * Storage: Dawid-Skene needs every item's judgments at the end, kept as
 * a class byte plus a uint32 annotator index: 5 bytes per known judgment;
 * per item 8 bytes of row index, 8 of offset, and after the fit 5 bytes
 * of posterior (class byte + float) = 21 bytes per row with judgments.
 * Classes are stored as la_class values 1..4; class index c - 1 in every
 * 4-wide table.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "la_agree.h"
#include "la_common.h"

/* LOW_AGREEMENT scores: see the file comment. */
#define LOW_BASE 0.15
#define LOW_SPAN 0.10

#define NC 4                        /* toxic, non_toxic, spam, ham */
#define LA_AGREE_MIN_COMPARED 20    /* judgments before an annotator is judged */
#define OUTLIER_Z 2.054             /* one-sided 2%: one in fifty */
#define OUTLIER_KAPPA 0.2           /* Landis & Koch: "slight" below this */
#define DS_TOL 1e-6                 /* log-likelihood change per item */
#define TOP_ANNOTATORS 50

typedef struct rater {
    char *id;
    size_t len;
    uint64_t judgments;             /* known-class judgments */
    uint64_t compared, agreed;      /* against a leave-one-out majority */
    uint64_t conf[NC][NC];          /* [own class][loo majority] */
    uint64_t repeat_items, repeat_consistent;
    double agreement, kappa;        /* filled by finish; NAN: undefined */
    double ds_accuracy;             /* sum_k prior_k * conf_kk; NAN: none */
    int outlier;                    /* 0, 1 low agreement, 2 low kappa */
} rater;

struct la_agree {
    double low;
    int ds_max_iter;
    int finished;

    uint64_t rows, judgments, unknown_judgments, malformed;
    uint64_t low_rows, nm_rows, ties, unknown_only;
    double coinc[NC][NC];

    rater *r;
    size_t nr, rcap;
    uint32_t *slot;                 /* rater index + 1; 0 empty */
    size_t nslot;
    uint64_t repeat_items, repeat_consistent;
    uint32_t *scratch;              /* (rater, judgment) pairs of one row */
    size_t scap;

    uint64_t *item_row;             /* row index of item i (increasing) */
    uint64_t *item_off;             /* judgments of item i: [off[i], off[i+1]) */
    size_t nitems, icap, ocap;
    uint8_t *jcls;                  /* class index 0..3 */
    uint32_t *jann;                 /* 0 pooled, else rater index + 1 */
    size_t nj, jcap, jacap;

    /* results of finish */
    double alpha, ao, ae;
    int has_alpha, has_ao;
    uint8_t *post_cls;              /* la_class per item, UNKNOWN on a tie */
    float *post_p;
    int ds_iter, ds_converged, ds_run;
    double ds_ll, ds_prior[NC];
    double *ds_conf;                /* (nr + 1) * NC * NC, row-normalized */
    uint64_t outliers;
};

la_agree *la_agree_new(const la_options *opt)
{
    la_agree *g = la_xcalloc(1, sizeof *g);
    g->low = opt->low_agreement;
    g->ds_max_iter = opt->ds_max_iter;
    g->has_alpha = 0;
    return g;
}

void la_agree_free(la_agree *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->nr; i++) free(g->r[i].id);
    free(g->r);
    free(g->slot);
    free(g->scratch);
    free(g->item_row);
    free(g->item_off);
    free(g->jcls);
    free(g->jann);
    free(g->post_cls);
    free(g->post_p);
    free(g->ds_conf);
    free(g);
}

static void coinc_add(double *o, const uint64_t *cnt, int ncat);

/* ---- annotator table ------------------------------------------------------ */

static uint64_t id_hash(const char *s, size_t n)
{
    return la_hash64(s, n, 0x616e6e6f74ULL);
}

static void rehash(la_agree *g, size_t nslot)
{
    uint32_t *slot = la_xcalloc(nslot, sizeof *slot);
    for (size_t i = 0; i < g->nr; i++) {
        size_t h = (size_t)(id_hash(g->r[i].id, g->r[i].len) & (nslot - 1));
        while (slot[h]) h = (h + 1) & (nslot - 1);
        slot[h] = (uint32_t)(i + 1);
    }
    free(g->slot);
    g->slot = slot;
    g->nslot = nslot;
}

/* Index of rater id s (copied on first sight). */
static uint32_t rater_index(la_agree *g, const char *s, size_t n)
{
    if ((g->nr + 1) * 2 > g->nslot) rehash(g, g->nslot ? g->nslot * 2 : 64);
    size_t h = (size_t)(id_hash(s, n) & (g->nslot - 1));
    while (g->slot[h]) {
        rater *r = &g->r[g->slot[h] - 1];
        if (r->len == n && memcmp(r->id, s, n) == 0) return g->slot[h] - 1;
        h = (h + 1) & (g->nslot - 1);
    }
    LA_GROW(g->r, g->rcap, g->nr + 1);
    rater *r = &g->r[g->nr];
    memset(r, 0, sizeof *r);
    r->id = la_xstrndup(s, n);
    r->len = n;
    g->slot[h] = (uint32_t)(g->nr + 1);
    return (uint32_t)g->nr++;
}

/* ---- per row ----------------------------------------------------------------- */

/* Class with the unique largest count (index 0..3), or -1 on a tie or
 * when every count is zero. */
static int majority_of(const uint64_t cnt[NC])
{
    int best = -1, tie = 0;
    for (int c = 0; c < NC; c++) {
        if (cnt[c] == 0) continue;
        if (best < 0 || cnt[c] > cnt[best]) { best = c; tie = 0; }
        else if (cnt[c] == cnt[best]) tie = 1;
    }
    return tie ? -1 : best;
}

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

static int cmp_pair(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Per-annotator figures of one row: each rater is compared with the
 * majority of the other raters' judgments (all of its own left out). */
static void add_raters(la_agree *g, const la_annot *a, const uint64_t cnt[NC])
{
    size_t m = 0;
    if (g->scap < 2 * (size_t)a->n) LA_GROW(g->scratch, g->scap, 2 * (size_t)a->n);
    for (int i = 0; i < a->n; i++) {
        int c = a->cls[i];
        if (c < LA_CLASS_TOXIC || c >= LA_CLASS__COUNT || !a->rater[i]) continue;
        g->scratch[2 * m] = rater_index(g, a->rater[i], a->rater_len[i]);
        g->scratch[2 * m + 1] = (uint32_t)i;
        m++;
    }
    qsort(g->scratch, m, 2 * sizeof(uint32_t), cmp_pair);
    for (size_t s = 0; s < m;) {
        size_t e = s;
        uint64_t own[NC] = {0}, other[NC];
        while (e < m && g->scratch[2 * e] == g->scratch[2 * s]) {
            own[a->cls[g->scratch[2 * e + 1]] - 1]++;
            e++;
        }
        rater *r = &g->r[g->scratch[2 * s]];
        for (int c = 0; c < NC; c++) other[c] = cnt[c] - own[c];
        int loo = majority_of(other);
        for (size_t k = s; k < e; k++) {
            int c = a->cls[g->scratch[2 * k + 1]] - 1;
            r->judgments++;
            if (loo < 0) continue;
            r->compared++;
            r->conf[c][loo]++;
            if (c == loo) r->agreed++;
        }
        if (e - s > 1) {
            int kinds = 0;
            for (int c = 0; c < NC; c++) kinds += own[c] > 0;
            r->repeat_items++;
            g->repeat_items++;
            if (kinds == 1) { r->repeat_consistent++; g->repeat_consistent++; }
        }
        s = e;
    }
}

/* Keeps the item's known judgments for Dawid-Skene. */
static void store_item(la_agree *g, const la_row *row)
{
    const la_annot *a = &row->annot;
    LA_GROW(g->item_row, g->icap, g->nitems + 1);
    LA_GROW(g->item_off, g->ocap, g->nitems + 2);
    if (g->nitems == 0) g->item_off[0] = 0;
    g->item_row[g->nitems] = row->index;
    for (int i = 0; i < a->n; i++) {
        int c = a->cls[i];
        if (c < LA_CLASS_TOXIC || c >= LA_CLASS__COUNT) continue;
        LA_GROW(g->jcls, g->jcap, g->nj + 1);
        LA_GROW(g->jann, g->jacap, g->nj + 1);
        g->jcls[g->nj] = (uint8_t)(c - 1);
        g->jann[g->nj] = 0;
        if (a->rater && a->rater[i])
            g->jann[g->nj] = rater_index(g, a->rater[i], a->rater_len[i]) + 1;
        g->nj++;
    }
    g->nitems++;
    g->item_off[g->nitems] = g->nj;
}

static void split_text(char *buf, size_t len, const uint64_t cnt[NC])
{
    size_t o = 0;
    buf[0] = '\0';
    for (int c = 0; c < NC; c++) {
        if (!cnt[c] || o >= len) continue;
        int w = snprintf(buf + o, len - o, "%s%s %llu", o ? ", " : "",
                         la_class_name((la_class)(c + 1)), (unsigned long long)cnt[c]);
        if (w < 0) break;
        o += (size_t)w;
    }
}

void la_agree_add(la_agree *g, la_row *row)
{
    const la_annot *a = &row->annot;
    uint64_t cnt[NC] = {0}, known = 0;
    if (row->status != LA_OK) return;
    if (row->annot_error) { g->malformed++; return; }
    if (a->n <= 0 || !a->cls) return;
    for (int i = 0; i < a->n; i++) {
        int c = a->cls[i];
        if (c >= LA_CLASS_TOXIC && c < LA_CLASS__COUNT) { cnt[c - 1]++; known++; }
    }
    g->unknown_judgments += (uint64_t)a->n - known;
    if (known == 0) { g->unknown_only++; return; }
    g->rows++;
    g->judgments += known;

    int maj = majority_of(cnt);
    uint64_t top = 0;
    double ent = 0;
    for (int c = 0; c < NC; c++) {
        if (cnt[c] > top) top = cnt[c];
        if (cnt[c]) {
            double p = (double)cnt[c] / (double)known;
            ent -= p * log2(p);
        }
    }
    double share = (double)top / (double)known;
    la_result *r = &row->r;
    r->agreement.n = (int)known;
    r->agreement.majority = maj < 0 ? LA_CLASS_UNKNOWN : (la_class)(maj + 1);
    r->agreement.share = share;
    r->agreement.entropy = ent < 0 ? 0 : ent;
    if (maj < 0) g->ties++;

    int added = 0;
    char split[96];
    if (share < g->low) {
        double sc = clamp(LOW_BASE + LOW_SPAN * (g->low - share) / g->low, LOW_BASE,
                          LOW_BASE + LOW_SPAN);
        split_text(split, sizeof split, cnt);
        if (maj < 0)
            la_result_add_finding(r, LA_R_LOW_AGREEMENT, sc, LA_CLASS_UNKNOWN,
                                  "annotators are split with no majority (%s)", split);
        else
            la_result_add_finding(r, LA_R_LOW_AGREEMENT, sc, LA_CLASS_UNKNOWN,
                                  "annotators disagree (%s): majority share %.2f is under %.2f",
                                  split, share, g->low);
        g->low_rows++;
        added = 1;
    }
    if (maj >= 0 && r->label_class != LA_CLASS_UNKNOWN &&
        r->label_class != (la_class)(maj + 1)) {
        double s = ((double)top + 1) / ((double)known + 2);
        double sc = clamp(0.6 + 0.7 * (s - 0.5), 0.6, 0.95);
        la_result_add_finding(r, LA_R_NOT_MAJORITY, sc, (la_class)(maj + 1),
                              "labeled %s, but %llu of %llu annotator judgments say %s",
                              la_class_name(r->label_class), (unsigned long long)top,
                              (unsigned long long)known, la_class_name((la_class)(maj + 1)));
        g->nm_rows++;
        added = 1;
    }
    if (added) la_result_settle(r);

    coinc_add(&g->coinc[0][0], cnt, NC);
    if (a->rater) add_raters(g, a, cnt);
    store_item(g, row);
}

/* ---- end of stream ------------------------------------------------------------ */

/* Adds one item's counts cnt[0..ncat) to the ncat x ncat coincidence
 * matrix o: n_c * (n_k - [c == k]) / (m - 1); nothing when m < 2. */
static void coinc_add(double *o, const uint64_t *cnt, int ncat)
{
    uint64_t m = 0;
    for (int c = 0; c < ncat; c++) m += cnt[c];
    if (m < 2) return;
    for (int c = 0; c < ncat; c++)
        for (int k = 0; k < ncat; k++) {
            if (!cnt[c] || !cnt[k]) continue;
            o[c * ncat + k] += (double)cnt[c] * (double)(cnt[k] - (c == k)) /
                               (double)(m - 1);
        }
}

/* Alpha of a coincidence matrix; NAN when undefined. *ao and *ae get the
 * observed and expected agreement (NAN when fewer than 2 values). */
static double coinc_alpha(const double *o, int ncat, double *ao, double *ae)
{
    double n = 0, diag = 0, e = 0;
    *ao = *ae = NAN;
    for (int c = 0; c < ncat; c++) {
        double nc = 0;
        for (int k = 0; k < ncat; k++) nc += o[c * ncat + k];
        n += nc;
        diag += o[c * ncat + c];
        e += nc * (nc - 1);
    }
    if (n < 2) return NAN;
    *ao = diag / n;
    *ae = e / (n * (n - 1));
    if (*ae >= 1 - 1e-12) return NAN;
    return (*ao - *ae) / (1 - *ae);
}

double la_agree_alpha_nominal(const uint32_t *cnt, size_t items, int ncat,
                              double *ao, double *ae)
{
    double o[64 * 64] = {0}, a, b;
    uint64_t c64[64];
    if (ncat < 1 || ncat > 64) return NAN;
    for (size_t i = 0; i < items; i++) {
        for (int c = 0; c < ncat; c++) c64[c] = cnt[i * (size_t)ncat + (size_t)c];
        coinc_add(o, c64, ncat);
    }
    double alpha = coinc_alpha(o, ncat, &a, &b);
    if (ao) *ao = a;
    if (ae) *ae = b;
    return alpha;
}

double la_agree_kappa(const uint64_t *table, int ncat)
{
    double t = 0, po = 0, pe = 0;
    for (int c = 0; c < ncat; c++)
        for (int k = 0; k < ncat; k++) t += (double)table[c * ncat + k];
    if (t <= 0) return NAN;
    for (int c = 0; c < ncat; c++) {
        double row = 0, col = 0;
        for (int k = 0; k < ncat; k++) {
            row += (double)table[c * ncat + k];
            col += (double)table[k * ncat + c];
        }
        po += (double)table[c * ncat + c] / t;
        pe += (row / t) * (col / t);
    }
    if (pe >= 1 - 1e-12) return NAN;
    return (po - pe) / (1 - pe);
}

static void finish_alpha(la_agree *g)
{
    g->alpha = coinc_alpha(&g->coinc[0][0], NC, &g->ao, &g->ae);
    g->has_alpha = !isnan(g->alpha);
    g->has_ao = !isnan(g->ao);
}

static void finish_raters(la_agree *g)
{
    double sum = 0, sq = 0;
    int elig = 0;
    for (size_t i = 0; i < g->nr; i++) {
        rater *r = &g->r[i];
        r->agreement = r->kappa = NAN;
        r->outlier = 0;
        if (!r->compared) continue;
        r->agreement = (double)r->agreed / (double)r->compared;
        r->kappa = la_agree_kappa(&r->conf[0][0], NC);
        if (r->compared >= LA_AGREE_MIN_COMPARED) {
            elig++;
            sum += r->agreement;
            sq += r->agreement * r->agreement;
        }
    }
    double mean = elig ? sum / elig : 0;
    double var = elig ? sq / elig - mean * mean : 0;
    double sd = var > 0 ? sqrt(var) : 0;
    g->outliers = 0;
    for (size_t i = 0; i < g->nr; i++) {
        rater *r = &g->r[i];
        if (r->compared < LA_AGREE_MIN_COMPARED) continue;
        if (elig >= 3 && sd > 0 && r->agreement < mean - OUTLIER_Z * sd) r->outlier = 1;
        else if (!isnan(r->kappa) && r->kappa < OUTLIER_KAPPA) r->outlier = 2;
        if (r->outlier) g->outliers++;
    }
}

/* Dawid-Skene EM. Classes are compacted to the K that occur; annotator a
 * has a K x K confusion (true x given) at ds_conf[a * NC * NC + t * NC + l]
 * (stored 4-wide, only K used). */
static void finish_ds(la_agree *g)
{
    size_t na = g->nr + 1;
    int map[NC], inv[NC], K = 0;
    uint64_t seen[NC] = {0};
    for (size_t j = 0; j < g->nj; j++) seen[g->jcls[j]]++;
    for (int c = 0; c < NC; c++) { map[c] = -1; if (seen[c]) { map[c] = K; inv[K++] = c; } }
    free(g->post_cls); free(g->post_p); free(g->ds_conf);
    g->post_cls = la_xcalloc(g->nitems ? g->nitems : 1, 1);
    g->post_p = la_xcalloc(g->nitems ? g->nitems : 1, sizeof(float));
    g->ds_conf = la_xcalloc(na * NC * NC, sizeof(double));
    g->ds_iter = 0;
    g->ds_converged = 0;
    g->ds_ll = 0;
    for (int c = 0; c < NC; c++) g->ds_prior[c] = 0;
    g->ds_run = 1;
    if (K == 0) return;

    double *acc = la_xcalloc(na * NC * NC, sizeof(double));
    double *lconf = la_xcalloc(na * NC * NC, sizeof(double));
    double pacc[NC] = {0}, lprior[NC];
    double T[NC];

    /* Initial statistics: the soft majority vote. */
    for (size_t i = 0; i < g->nitems; i++) {
        uint64_t s = g->item_off[i], e = g->item_off[i + 1], top = 0;
        uint64_t cnt[NC] = {0};
        for (uint64_t j = s; j < e; j++) cnt[map[g->jcls[j]]]++;
        int best = -1, tie = 0;
        for (int k = 0; k < K; k++) {
            T[k] = (double)cnt[k] / (double)(e - s);
            if (best < 0 || cnt[k] > top) { best = k; top = cnt[k]; tie = 0; }
            else if (cnt[k] == top) tie = 1;
        }
        g->post_cls[i] = tie ? LA_CLASS_UNKNOWN : (uint8_t)(inv[best] + 1);
        g->post_p[i] = (float)T[best];
        for (int k = 0; k < K; k++) pacc[k] += T[k];
        for (uint64_t j = s; j < e; j++)
            for (int k = 0; k < K; k++)
                acc[(size_t)g->jann[j] * NC * NC + (size_t)k * NC + (size_t)map[g->jcls[j]]] += T[k];
    }

    double prev = 0;
    for (int it = 1;; it++) {
        /* M-step from acc/pacc (add-one smoothing). */
        double tot = 0;
        for (int k = 0; k < K; k++) tot += pacc[k];
        for (int k = 0; k < K; k++) {
            g->ds_prior[inv[k]] = (pacc[k] + 1) / (tot + K);
            lprior[k] = log(g->ds_prior[inv[k]]);
            pacc[k] = 0;
        }
        for (size_t a = 0; a < na; a++)
            for (int k = 0; k < K; k++) {
                double *row = &acc[a * NC * NC + (size_t)k * NC], rs = 0;
                for (int l = 0; l < K; l++) rs += row[l];
                for (int l = 0; l < K; l++) {
                    double p = (row[l] + 1) / (rs + K);
                    g->ds_conf[a * NC * NC + (size_t)inv[k] * NC + (size_t)inv[l]] = p;
                    lconf[a * NC * NC + (size_t)k * NC + (size_t)l] = log(p);
                    row[l] = 0;
                }
            }
        if (it > g->ds_max_iter) break;

        /* E-step: posteriors, log-likelihood, statistics for the next M. */
        double ll = 0;
        for (size_t i = 0; i < g->nitems; i++) {
            uint64_t s = g->item_off[i], e = g->item_off[i + 1];
            double mx = -INFINITY, z = 0;
            for (int k = 0; k < K; k++) {
                double v = lprior[k];
                for (uint64_t j = s; j < e; j++)
                    v += lconf[(size_t)g->jann[j] * NC * NC + (size_t)k * NC + (size_t)map[g->jcls[j]]];
                T[k] = v;
                if (v > mx) mx = v;
            }
            for (int k = 0; k < K; k++) { T[k] = exp(T[k] - mx); z += T[k]; }
            ll += mx + log(z);
            int best = 0, tie = 0;
            for (int k = 0; k < K; k++) {
                T[k] /= z;
                if (k && T[k] > T[best]) { best = k; tie = 0; }
                else if (k && T[k] == T[best]) tie = 1;
                pacc[k] += T[k];
            }
            g->post_cls[i] = tie ? LA_CLASS_UNKNOWN : (uint8_t)(inv[best] + 1);
            g->post_p[i] = (float)T[best];
            for (uint64_t j = s; j < e; j++)
                for (int k = 0; k < K; k++)
                    acc[(size_t)g->jann[j] * NC * NC + (size_t)k * NC + (size_t)map[g->jcls[j]]] += T[k];
        }
        g->ds_iter = it;
        g->ds_ll = ll;
        if (it > 1 && fabs(ll - prev) < DS_TOL * (double)(g->nitems ? g->nitems : 1)) {
            g->ds_converged = 1;
            /* keep the parameters the posteriors were computed from */
            break;
        }
        prev = ll;
        if (it == g->ds_max_iter) {
            /* the last E-step used the current parameters: stop here so
             * that posteriors, log-likelihood and parameters agree */
            break;
        }
    }
    /* Annotator accuracy under the fit: sum_k prior_k * P(says k | k). */
    for (size_t i = 0; i < g->nr; i++) {
        double acc_i = 0;
        for (int k = 0; k < K; k++)
            acc_i += g->ds_prior[inv[k]] *
                     g->ds_conf[(i + 1) * NC * NC + (size_t)inv[k] * NC + (size_t)inv[k]];
        g->r[i].ds_accuracy = acc_i;
    }
    free(acc);
    free(lconf);
}

void la_agree_finish(la_agree *g)
{
    if (!g || g->finished) return;
    g->finished = 1;
    finish_alpha(g);
    finish_raters(g);
    finish_ds(g);
}

la_class la_agree_ds_class(const la_agree *g, uint64_t index, double *p)
{
    if (p) *p = 0;
    if (!g || !g->ds_run || g->nitems == 0) return LA_CLASS_UNKNOWN;
    size_t lo = 0, hi = g->nitems;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->item_row[mid] < index) lo = mid + 1;
        else hi = mid;
    }
    if (lo == g->nitems || g->item_row[lo] != index) return LA_CLASS_UNKNOWN;
    if (p) *p = g->post_p[lo];
    return (la_class)g->post_cls[lo];
}

/* ---- reports ------------------------------------------------------------------ */

/* Rounds to d decimals so that printed figures are short and stable. */
static double rnd(double x, int d)
{
    double m = pow(10, d);
    return round(x * m) / m;
}

static cJSON *num_or_null(double x, int d)
{
    return isfinite(x) ? cJSON_CreateNumber(rnd(x, d)) : cJSON_CreateNull();
}

static const char *outlier_why(int o)
{
    return o == 1 ? "low_agreement" : o == 2 ? "low_kappa" : NULL;
}

static cJSON *rater_json(const la_agree *g, const rater *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "annotator", cJSON_CreateString(r->id));
    cJSON_AddNumberToObject(o, "judgments", (double)r->judgments);
    cJSON_AddNumberToObject(o, "compared", (double)r->compared);
    cJSON_AddItemToObject(o, "agreement", num_or_null(r->agreement, 4));
    cJSON_AddItemToObject(o, "kappa", num_or_null(r->kappa, 4));
    cJSON_AddBoolToObject(o, "outlier", r->outlier != 0);
    if (r->outlier) cJSON_AddStringToObject(o, "outlier_reason", outlier_why(r->outlier));
    cJSON_AddNumberToObject(o, "repeated_items", (double)r->repeat_items);
    cJSON_AddNumberToObject(o, "repeated_consistent", (double)r->repeat_consistent);
    cJSON_AddItemToObject(o, "ds_accuracy",
                          g->ds_run ? num_or_null(r->ds_accuracy, 4) : cJSON_CreateNull());
    return o;
}

static int by_id(const void *a, const void *b)
{
    const rater *x = *(const rater *const *)a, *y = *(const rater *const *)b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->id, y->id, n);
    if (c) return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

static int by_judgments(const void *a, const void *b)
{
    const rater *x = *(const rater *const *)a, *y = *(const rater *const *)b;
    if (x->judgments != y->judgments) return x->judgments > y->judgments ? -1 : 1;
    return by_id(a, b);
}

static const rater **sorted(const la_agree *g, int (*cmp)(const void *, const void *))
{
    const rater **v = la_xmalloc((g->nr ? g->nr : 1) * sizeof *v);
    for (size_t i = 0; i < g->nr; i++) v[i] = &g->r[i];
    qsort(v, g->nr, sizeof *v, cmp);
    return v;
}

struct cJSON *la_agree_summary(const la_agree *g)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "rows_with_judgments", (double)g->rows);
    cJSON_AddNumberToObject(o, "judgments", (double)g->judgments);
    cJSON_AddNumberToObject(o, "unknown_judgments", (double)g->unknown_judgments);
    cJSON_AddNumberToObject(o, "malformed_rows", (double)g->malformed);
    cJSON_AddItemToObject(o, "alpha", g->has_alpha ? num_or_null(g->alpha, 4) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "observed_agreement",
                          g->has_ao ? num_or_null(g->ao, 4) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "expected_agreement",
                          g->has_ao ? num_or_null(g->ae, 4) : cJSON_CreateNull());
    cJSON_AddNumberToObject(o, "low_agreement_threshold", rnd(g->low, 4));
    cJSON_AddNumberToObject(o, "low_agreement", (double)g->low_rows);
    cJSON_AddNumberToObject(o, "not_majority", (double)g->nm_rows);
    cJSON_AddNumberToObject(o, "ties", (double)g->ties);
    cJSON_AddNumberToObject(o, "annotators", (double)g->nr);
    cJSON *out = cJSON_AddArrayToObject(o, "outliers");
    const rater **v = sorted(g, by_id);
    for (size_t i = 0; i < g->nr; i++)
        if (v[i]->outlier) cJSON_AddItemToArray(out, cJSON_CreateString(v[i]->id));
    free(v);
    cJSON *rep = cJSON_AddObjectToObject(o, "repeated");
    cJSON_AddNumberToObject(rep, "items", (double)g->repeat_items);
    cJSON_AddNumberToObject(rep, "consistent", (double)g->repeat_consistent);

    cJSON *ds = cJSON_AddObjectToObject(o, "dawid_skene");
    cJSON_AddNumberToObject(ds, "iterations", g->ds_iter);
    cJSON_AddBoolToObject(ds, "converged", g->ds_converged);
    cJSON_AddItemToObject(ds, "log_likelihood", num_or_null(g->ds_ll, 3));
    cJSON *pri = cJSON_AddObjectToObject(ds, "priors");
    for (int c = 0; c < NC; c++)
        if (g->ds_prior[c] > 0)
            cJSON_AddNumberToObject(pri, la_class_name((la_class)(c + 1)), rnd(g->ds_prior[c], 4));

    cJSON *top = cJSON_AddArrayToObject(o, "top_annotators");
    v = sorted(g, by_judgments);
    for (size_t i = 0; i < g->nr && i < TOP_ANNOTATORS; i++)
        cJSON_AddItemToArray(top, rater_json(g, v[i]));
    free(v);
    return o;
}

int la_agree_write_report(const la_agree *g, FILE *out)
{
    const rater **v = sorted(g, by_id);
    int rc = LA_OK;
    for (size_t i = 0; i < g->nr && rc == LA_OK; i++) {
        cJSON *o = rater_json(g, v[i]);
        char *s = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        if (!s) la_die("out of memory");
        if (fputs(s, out) == EOF || putc('\n', out) == EOF) rc = LA_EIO;
        cJSON_free(s);
    }
    free(v);
    if (rc == LA_OK && fflush(out) != 0) rc = LA_EIO;
    if (rc == LA_OK && ferror(out)) rc = LA_EIO;
    return rc;
}
