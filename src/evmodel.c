/*
 * evmodel.c - the evidence model: how findings become a verdict.
 *
 * A finding is evidence, never a verdict, and what a kind of evidence is
 * worth differs from one dataset to the next ("labeled toxic, profanity
 * only" is mostly right on a tweet set whose labelers keyed on swear
 * words, mostly wrong on one whose guidelines call all profanity
 * offensive). So the worth of each source is estimated on the dataset
 * being audited, without ground truth, by a latent-class model in the
 * manner of Dawid and Skene ("Maximum likelihood estimation of observer
 * error-rates using the EM algorithm", 1979) and of data programming
 * (Ratner et al., "Data Programming", NeurIPS 2016). The row's true label
 * y is a hidden value of the dataset's own label column, and
 *
 *   P(y | evidence) ~ P_text(y) * P(given | y) * prod over witnesses
 *                     P(witness's observation | y)
 *
 * with three kinds of source:
 *
 *   the text   (MODEL, SPAM, SILENCE) the in-dataset classifier's
 *              out-of-fold probability, Platt-scaled on the labels (two
 *              values) or in 8 calibrated bins, times the ratio of each
 *              text cell (bin x spam-score band, bin x what the toxicity
 *              rules did not find) over its bin, all calibrated on the
 *              labels of the other rows (leave-one-out);
 *   the label  (LABEL) P(given | true): the noise the audit looks for,
 *              from the classifier's calibrated confident joint (Northcutt
 *              et al., JAIR 2021), else anchor rows, else, with no
 *              classifier, a prior of one in ten revised by the witnesses;
 *              capped at MAX_NOISE;
 *   witnesses  (TEXT, DUP, ANNOT, SCORE) the toxicity rule that rests on a
 *              positive cue (LA_TOXR_*; rules that rest on not finding
 *              something are silence, above), the majority value of the
 *              other copies of a duplicate cluster, the annotators (the
 *              Dawid-Skene class and whether it is sure, else the majority
 *              and its unanimity), an outside probability (--scores).
 *
 * Every source abstains on some rows (no cluster, no annotations, no
 * model); an abstaining source is left out of that row's product. The
 * witnesses' distributions are fitted by EM with the text and the noise
 * fixed, for at most MAX_ITER rounds, so rules carry no fixed weight: a
 * rule that fires on rows the other evidence calls correctly labeled gets
 * a likelihood ratio near 1 on that dataset and stops moving verdicts by
 * itself (test_evmodel's worthless rule), and one that agrees with the
 * classifier, the copies and the annotators gains weight. The text and
 * the noise stay fixed because, measured on five benchmarks, letting EM
 * move them let correlated text sources outvote the label (one set's
 * "offensive" class ended at a 50 % noise rate).
 *
 * Why this model and not a second classifier fit on the given labels: a
 * stacked model learns P(given label | evidence), which reproduces the
 * labelers' systematic errors (a word they keyed on everywhere); the
 * latent-class model keeps the given label as one witness among others
 * and estimates its error rate. Its assumption is that sources err
 * independently given the true value; the classifier and the rules both
 * read the words, so their agreement is counted a little too strongly.
 * Two things temper that: categories are smoothed toward their overall
 * frequency by SMOOTH_ROWS pseudo-rows (a rare rule moves little until
 * it has shown its worth on enough rows), and a verdict needs at least
 * one named, non-absence source (auditor.c), so no row is queued on
 * silence. Tested on synthetic data with a known truth in
 * tests/unit/test_evmodel.c.
 *
 * Output per row: P(wrong) = 1 - P(y = given | evidence), the most
 * likely other value, and each source's likelihood ratio for that value
 * against the given one. Per source and category: the estimated
 * precision, the mean P(wrong) of the rows where that evidence argued
 * against the label.
 *
 * Memory: one 40-byte record per audited row (struct obs), a cluster
 * table of K counts per cluster at finish. Everything is sequential and
 * in input order, so results are identical for every thread count.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "la_agree.h"
#include "la_dedup.h"
#include "la_evmodel.h"
#include "la_learn.h"

#define MAXV LA_EV_MAX_VALUES
#define MAXC 24
#define NONE 0xff

/* EM rounds at most, and the change in any parameter under which it
 * stops early. 100 rounds are far more than the 20 to 40 it takes on
 * every dataset measured. */
#define MAX_ITER 100
#define TOL 1e-6
/* Anchor rows per value for the noise estimate (estimate_noise): a
 * twentieth of its rows, at least 20. Whichever way the noise is
 * estimated, it is capped at a quarter of a value's rows: past that, a
 * label's disagreement with the text says more about the text model than
 * about the label, and the audit should not lean on it. */
#define ANCHOR_SHARE 0.05
#define ANCHOR_MIN 20
#define MAX_NOISE 0.25
/* The noise prior when there is no classifier, and its weight in
 * pseudo-rows per true value once witnesses revise it. */
#define NO_MODEL_NOISE 0.1
#define NOISE_PRIOR_ROWS 20.0
/* Ridge of the Platt fit toward the identity scaling, in rows. */
#define PLATT_RIDGE 1.0
/* Pseudo-rows smoothing each source's category distribution toward the
 * category's overall frequency: a category seen on a handful of rows
 * cannot move a verdict much whatever those rows say. */
#define SMOOTH_ROWS 10.0
#define ARGUE_LR LA_EV_ARGUE_LR

static const double prob_edges[] = { 0.05, 0.15, 0.3, 0.5, 0.7, 0.85, 0.95 };
#define PROB_BINS 8
static const double spam_edges[] = { 0.2, 0.4, 0.6, 0.8 };
#define SPAM_BINS 6   /* 0: exactly zero, then 5 bins */
#define ANNOT_CATS (1 + 2 * (LA_CLASS__COUNT - 1))
/* The annotator model's posterior that counts as sure: the same bar the
 * agreement module uses before it suggests a class. */
#define ANNOT_SURE 0.9
/* The sources calibrated as cells of the text's evidence. */
static const int cell_src[] = { LA_EV_SPAM, LA_EV_SILENCE };
#define NCELL 2

typedef struct obs {
    uint64_t index;
    uint32_t cluster;       /* 0: none */
    float model;            /* P(positive class) or -1 */
    float outside;          /* outside score or -1 */
    float p_wrong;
    uint8_t label;          /* value index, NONE: not modeled */
    uint8_t cat[LA_EV__COUNT]; /* NONE: abstains */
    uint8_t sug;            /* suggested value or NONE */
    uint32_t dup_others;    /* other rows in its cluster */
    uint8_t conflict_pick;  /* the copy most likely wrong in a cluster whose
                               labels disagree */
} obs;

typedef struct value {
    char text[48];          /* label as text (la_labelmap_json's form) */
    size_t len;
    char *json;             /* raw JSON of its first occurrence */
    size_t json_len;
    la_class cls;
    uint64_t rows;
} value;

struct la_evmodel {
    const la_options *opt;
    obs *o; size_t n, cap;
    value v[MAXV]; int nv;
    uint64_t unmodeled;
    int ncat[LA_EV__COUNT];
    double prior[MAXV];                       /* label frequencies */
    double noise[MAXV][MAXV];                 /* P(given j | true i) */
    double theta[LA_EV__COUNT][MAXV][MAXC];   /* P(cat | true value), for
                                                 true value), for
                                                 DUP, ANNOT and SCORE */
    /* label counts per text cell: model bin, and model bin x category of
     * TEXT / SPAM (the calibration of the text sources, see text_given) */
    uint32_t n_bin[PROB_BINS][MAXV];
    uint32_t n_cell[NCELL][PROB_BINS][MAXC][MAXV];
    double prec_sum[LA_EV__COUNT][MAXC], prec_n[LA_EV__COUNT][MAXC];
    uint64_t rows_cat[LA_EV__COUNT][MAXC];
    int iterations, finished, has_model;
    double est_errors;
    uint32_t *cluster_counts;  /* K counts per cluster, after finish */
    char name_buf[80];
    int platt, platt_pos;       /* Platt scaling fitted; the value it scores */
    double platt_a, platt_b;
};

static const char *const source_names[LA_EV__COUNT] = {
    "label", "model", "text", "spam", "duplicates", "annotators", "outside_score",
    "text_silence"
};

static const char *const silence_names[LA_EV_SIL__COUNT] = {
    "no_cue", "cues_no_rule", "profanity_untargeted", "identity_unattacked", "positive_cue"
};

static const char *const toxr_names[LA_TOXR__COUNT] = {
    "none", "other", "threat", "slur", "dehumanizing", "insult_you", "profane_you",
    "insult_person", "slur_in_context", "reclaimed_slur", "profanity_praise",
    "slur_innocent_sense", "slur_mentioned", "profanity_untargeted", "identity_only",
    "hostile_to_group"
};

la_evmodel *la_evmodel_new(const la_options *opt)
{
    la_evmodel *m = la_xcalloc(1, sizeof *m);
    m->opt = opt;
    return m;
}

void la_evmodel_free(la_evmodel *m)
{
    if (!m) return;
    for (int i = 0; i < m->nv; i++) free(m->v[i].json);
    free(m->cluster_counts);
    free(m->o);
    free(m);
}

static int bin_of(double x, const double *edges, int nedges)
{
    int b = 0;
    while (b < nedges && x >= edges[b]) b++;
    return b;
}

static uint8_t value_of(la_evmodel *m, const la_row *row)
{
    if (!row->label_str || !row->r.label_json) return NONE;
    size_t n = row->label_len;
    if (n >= sizeof m->v[0].text) return NONE;
    for (int i = 0; i < m->nv; i++)
        if (m->v[i].len == n && memcmp(m->v[i].text, row->label_str, n) == 0) {
            m->v[i].rows++;
            return (uint8_t)i;
        }
    if (m->nv == MAXV) return NONE;
    value *v = &m->v[m->nv];
    memcpy(v->text, row->label_str, n);
    v->text[n] = 0;
    v->len = n;
    v->json = la_xstrndup(row->r.label_json, row->r.label_json_len);
    v->json_len = row->r.label_json_len;
    v->cls = row->r.label_class;
    v->rows = 1;
    return (uint8_t)m->nv++;
}

/* A rule that rests on a positive cue (a threat, a slur used at someone,
 * praise around a swear word, a quoted slur) is a witness; a rule that
 * rests on not finding something is silence. */
static int positive_rule(int toxr)
{
    switch (toxr) {
    case LA_TOXR_NONE: case LA_TOXR_OTHER: case LA_TOXR_PROFANITY_UNTARGETED:
    case LA_TOXR_IDENTITY_ONLY:
        return 0;
    default:
        return 1;
    }
}

static int silence_of(int toxr)
{
    switch (toxr) {
    case LA_TOXR_NONE: return LA_EV_SIL_NONE;
    case LA_TOXR_OTHER: return LA_EV_SIL_OTHER;
    case LA_TOXR_PROFANITY_UNTARGETED: return LA_EV_SIL_UNTARGETED;
    case LA_TOXR_IDENTITY_ONLY: return LA_EV_SIL_IDENTITY;
    default: return LA_EV_SIL_CUE;
    }
}

static int annot_cat(const la_result *r)
{
    if (r->agreement.n <= 0) return NONE;
    if (r->agreement.majority == LA_CLASS_UNKNOWN) return 0;
    int unanimous = r->agreement.share >= 0.999;
    return 1 + 2 * ((int)r->agreement.majority - 1) + unanimous;
}

void la_evmodel_add(la_evmodel *m, const la_row *row)
{
    uint8_t lv = value_of(m, row);
    if (lv == NONE) { m->unmodeled++; return; }
    LA_GROW(m->o, m->cap, m->n + 1);
    obs *o = &m->o[m->n++];
    memset(o, 0, sizeof *o);
    o->index = row->index;
    o->label = lv;
    o->model = -1;
    o->outside = row->outside_score;
    o->cluster = row->r.cluster.has_cluster && row->r.cluster.id <= UINT32_MAX
                 ? (uint32_t)row->r.cluster.id : 0;
    memset(o->cat, NONE, sizeof o->cat);
    o->cat[LA_EV_LABEL] = lv;
    int toxr = row->tox_rule < LA_TOXR__COUNT ? row->tox_rule : LA_TOXR_NONE;
    o->cat[LA_EV_TEXT] = (uint8_t)(positive_rule(toxr) ? toxr : LA_TOXR_NONE);
    o->cat[LA_EV_SILENCE] = (uint8_t)silence_of(toxr);
    o->cat[LA_EV_SPAM] = row->spam_score <= 0 ? 0
                         : (uint8_t)(1 + bin_of(row->spam_score, spam_edges, 4));
    o->cat[LA_EV_ANNOT] = (uint8_t)annot_cat(&row->r);
    if (row->outside_score >= 0)
        o->cat[LA_EV_SCORE] = (uint8_t)bin_of(row->outside_score, prob_edges, PROB_BINS - 1);
    o->sug = NONE;
}

static obs *find_obs(const la_evmodel *m, uint64_t index)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->o[mid].index < index) lo = mid + 1; else hi = mid;
    }
    return lo < m->n && m->o[lo].index == index ? &m->o[lo] : NULL;
}

/* The classifier's probabilities, binned. */
static void take_model(la_evmodel *m, const la_learn *learn)
{
    if (!learn) return;
    for (size_t i = 0; i < m->n; i++) {
        double p;
        if (!la_learn_prob(learn, m->o[i].index, &p)) continue;
        m->o[i].model = (float)p;
        m->o[i].cat[LA_EV_MODEL] = (uint8_t)bin_of(p, prob_edges, PROB_BINS - 1);
        m->has_model = 1;
    }
}

/* DUP: for each clustered row, the majority value of the other rows of
 * its cluster (K: a tie). A cluster's first row learns its id here. */
static void take_clusters(la_evmodel *m, const la_dedup *d)
{
    if (!d) return;
    uint64_t nc = la_dedup_clusters(d);
    if (!nc || nc > UINT32_MAX) return;
    for (uint64_t cid = 1; cid <= nc; cid++) {
        uint64_t first;
        uint32_t counts[LA_CLASS__COUNT];
        if (!la_dedup_cluster_info(d, cid, &first, counts)) continue;
        obs *o = find_obs(m, first);
        if (o && !o->cluster) o->cluster = (uint32_t)cid;
    }
    int k = m->nv;
    uint32_t *cnt = la_xcalloc((size_t)(nc + 1) * (size_t)k, sizeof *cnt);
    for (size_t i = 0; i < m->n; i++)
        if (m->o[i].cluster) cnt[(size_t)m->o[i].cluster * (size_t)k + m->o[i].label]++;
    for (size_t i = 0; i < m->n; i++) {
        obs *o = &m->o[i];
        if (!o->cluster) continue;
        const uint32_t *c = cnt + (size_t)o->cluster * (size_t)k;
        uint32_t best = 0, total = 0;
        int arg = -1, tie = 0;
        for (int v = 0; v < k; v++) {
            uint32_t x = c[v] - (v == o->label);
            total += x;
            if (x > best) { best = x; arg = v; tie = 0; }
            else if (x == best && x > 0) tie = 1;
        }
        if (!total) continue;
        o->dup_others = total;
        o->cat[LA_EV_DUP] = (uint8_t)(tie ? k : arg);
    }
    m->cluster_counts = cnt;
}

/* Sources weighed by EM as witnesses of the true value (the rest are
 * calibrated on the labels as part of the text's evidence). */
static const int witness[LA_EV__COUNT] = {
    [LA_EV_TEXT] = 1, [LA_EV_DUP] = 1, [LA_EV_ANNOT] = 1, [LA_EV_SCORE] = 1,
};

/* ---- the text sources: calibrated on the dataset's own labels ------------- */

static int model_bin(const obs *o) { return o->cat[LA_EV_MODEL] == NONE ? 0 : o->cat[LA_EV_MODEL]; }

/* Label shares of a cell smoothed toward a parent distribution by
 * SMOOTH_ROWS pseudo-rows, leaving the row's own label out (a row must
 * not vouch for itself in a cell it nearly fills). */
static void cell_shares(const uint32_t *cnt, int k, int own, const double *parent, double *out)
{
    double tot = 0;
    for (int y = 0; y < k; y++) tot += cnt[y] - (y == own);
    for (int y = 0; y < k; y++)
        out[y] = (cnt[y] - (y == own) + SMOOTH_ROWS * parent[y]) / (tot + SMOOTH_ROWS);
}

/* The text's evidence as P(given label = y | text): the classifier's
 * bin, calibrated on the labels of the other rows in it, then each text
 * source's cell (bin x category) as a ratio over its bin. The parts
 * used are left in bin, text and spam for the likelihood ratios. */
static double logit(double p)
{
    if (p < 1e-6) p = 1e-6;
    if (p > 1 - 1e-6) p = 1 - 1e-6;
    return log(p / (1 - p));
}

static double platt(const la_evmodel *m, double p)
{
    return 1 / (1 + exp(-(m->platt_a * logit(p) + m->platt_b)));
}

/* Platt scaling (Platt, 1999) of the classifier's out-of-fold probability
 * against the given labels, when the dataset has two values: P(value pos
 * | p) = sigmoid(a logit(p) + b), fit by Newton's method on the log loss
 * with a small ridge toward (1, 0). Bins would average a whole band of
 * probabilities; the scaled probability keeps a row at p = 0.01 apart
 * from one at p = 0.1, which is where the verdicts on confident
 * disagreements come from. */
static void fit_platt(la_evmodel *m)
{
    if (m->nv != 2) return;
    int pos = m->v[1].cls == LA_CLASS_TOXIC || m->v[1].cls == LA_CLASS_SPAM ? 1 : 0;
    double a = 1, b = 0;
    for (int it = 0; it < 50; it++) {
        double g0 = PLATT_RIDGE * (a - 1), g1 = PLATT_RIDGE * b;
        double h00 = PLATT_RIDGE, h01 = 0, h11 = PLATT_RIDGE;
        for (size_t i = 0; i < m->n; i++) {
            const obs *o = &m->o[i];
            if (o->model < 0) continue;
            double z = logit(o->model), q = 1 / (1 + exp(-(a * z + b)));
            double y = o->label == pos, w = q * (1 - q);
            g0 += (q - y) * z; g1 += q - y;
            h00 += w * z * z; h01 += w * z; h11 += w;
        }
        double det = h00 * h11 - h01 * h01;
        if (det <= 1e-12) return;
        double da = (h11 * g0 - h01 * g1) / det, db = (h00 * g1 - h01 * g0) / det;
        a -= da; b -= db;
        if (fabs(da) + fabs(db) < 1e-9) break;
    }
    m->platt = 1;
    m->platt_a = a;
    m->platt_b = b;
    m->platt_pos = pos;
}

static void text_given(const la_evmodel *m, const obs *o, int loo, double *out,
                       double *bin, double *text, double *spam)
{
    int k = m->nv, b = model_bin(o), own = loo ? o->label : -1;
    cell_shares(m->n_bin[b], k, own, m->prior, bin);
    double *parts[NCELL] = { spam, text };
    for (int y = 0; y < k; y++) out[y] = bin[y];
    if (m->platt && o->model >= 0) {
        /* two values: the classifier's own probability, scaled */
        double p1 = platt(m, o->model);
        out[m->platt_pos] = p1;
        out[!m->platt_pos] = 1 - p1;
    }
    for (int t = 0; t < NCELL; t++) {
        int c = o->cat[cell_src[t]];
        if (c == NONE) { for (int y = 0; y < k; y++) parts[t][y] = bin[y]; continue; }
        cell_shares(m->n_cell[t][b][c], k, own, bin, parts[t]);
        for (int y = 0; y < k; y++) out[y] *= parts[t][y] / bin[y];
    }
    double z = 0;
    for (int y = 0; y < k; y++) z += out[y];
    for (int y = 0; y < k; y++) out[y] /= z;
}

typedef struct anchor { double p, tie; uint8_t label; uint64_t order; } anchor;

static int cmp_anchor(const void *x, const void *y)
{
    const anchor *a = x, *b = y;
    if (a->p != b->p) return a->p < b->p ? 1 : -1;
    if (a->tie != b->tie) return a->tie < b->tie ? 1 : -1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* The noise matrix from anchor rows (mixture proportion estimation, as
 * in Scott, Blanchard and Handy, "Classification with asymmetric label
 * noise", COLT 2013, and the anchor points of Patrini et al., CVPR
 * 2017): the rows whose text most surely belongs to value i are almost
 * all truly i, so the share of other labels among them estimates how
 * often an i row is labeled something else. Rows are ranked by P(given =
 * i | text), ties by the classifier's raw probability; the estimate is
 * the least impurity over the top prefixes of ANCHOR_MIN_SHARE to
 * ANCHOR_MAX_SHARE of the rows labeled i (at least ANCHOR_MIN rows), so
 * a weak text model, whose "sure" rows hold its own mistakes, is read
 * where it is purest. Pinned by test_evmodel's noise tests. */
static void estimate_noise(la_evmodel *m)
{
    int k = m->nv;
    anchor *an = la_xmalloc(m->n * sizeof *an);
    double pg[MAXV], bin[MAXV], text[MAXV], spam[MAXV];
    uint64_t labeled[MAXV] = { 0 };
    for (size_t r = 0; r < m->n; r++) labeled[m->o[r].label]++;
    for (int i = 0; i < k; i++) {
        int up = m->v[i].cls == LA_CLASS_TOXIC || m->v[i].cls == LA_CLASS_SPAM;
        for (size_t r = 0; r < m->n; r++) {
            /* not left out: the ranking must not depend on the row's label */
            text_given(m, &m->o[r], 0, pg, bin, text, spam);
            double t = m->o[r].model < 0 ? 0 : up ? m->o[r].model : 1 - m->o[r].model;
            an[r] = (anchor){ pg[i], t, m->o[r].label, r };
        }
        qsort(an, m->n, sizeof *an, cmp_anchor);
        size_t take = (size_t)(ANCHOR_SHARE * (double)labeled[i]);
        if (take < ANCHOR_MIN) take = ANCHOR_MIN;
        /* a cell is read whole: rows the text cannot tell apart are all
         * anchors or none */
        while (take < m->n && take > 0 && an[take].p == an[take - 1].p) take++;
        if (take > m->n) take = m->n;
        double best_other[MAXV] = { 0 }, nother = 0;
        for (size_t r = 0; r < take; r++)
            if (an[r].label != i) { best_other[an[r].label] += 1; nother += 1; }
        double best = (nother + 0.5) / ((double)take + 1);
        if (best > MAX_NOISE) best = MAX_NOISE;
        m->noise[i][i] = 1 - best;
        double zo = 0;
        for (int j = 0; j < k; j++) if (j != i) zo += best_other[j] + m->prior[j];
        for (int j = 0; j < k; j++)
            if (j != i) m->noise[i][j] = best * (best_other[j] + m->prior[j]) / zo;
    }
    free(an);
}

/* The noise matrix from confident learning (Northcutt, Jiang and Chuang,
 * JAIR 2021): the classifier's calibrated confident joint of given and
 * true class, when the dataset has exactly the task's two classes as its
 * two values. Each row of P(given | true) is floored at half a row and
 * the off-diagonal capped at MAX_NOISE. Returns 0 when it does not
 * apply (then the anchors decide). */
static int joint_noise(la_evmodel *m, const la_learn *learn)
{
    if (m->nv != 2 || m->v[0].cls == m->v[1].cls) return 0;
    double j[2][2];
    for (int g = 0; g < 2; g++)
        for (int t = 0; t < 2; t++)
            if (!la_learn_joint(learn, m->v[g].cls, m->v[t].cls, &j[g][t])) return 0;
    for (int t = 0; t < 2; t++) {
        double col = j[0][t] + j[1][t];
        if (col <= 0) return 0;
        double off = j[!t][t] / col, floor_ = 0.5 / (col * (double)m->n + 1);
        if (off < floor_) off = floor_;
        if (off > MAX_NOISE) off = MAX_NOISE;
        m->noise[t][!t] = off;
        m->noise[t][t] = 1 - off;
    }
    return 1;
}

/* Without a classifier the text cannot point at anchor rows: the noise
 * starts from a prior of one wrong label in ten (NO_MODEL_NOISE), and EM
 * revises it from the witnesses (m_step_noise), which then play the part
 * of Dawid and Skene's other annotators. */
static void prior_noise(la_evmodel *m)
{
    int k = m->nv;
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
            m->noise[i][j] = i == j ? 1 - NO_MODEL_NOISE : NO_MODEL_NOISE / (k - 1);
}

static void m_step_noise(la_evmodel *m, const double *q)
{
    int k = m->nv;
    double cnt[MAXV][MAXV], tot[MAXV];
    memset(cnt, 0, sizeof cnt);
    memset(tot, 0, sizeof tot);
    for (size_t i = 0; i < m->n; i++)
        for (int y = 0; y < k; y++) {
            cnt[y][m->o[i].label] += q[i * (size_t)k + y];
            tot[y] += q[i * (size_t)k + y];
        }
    for (int y = 0; y < k; y++)
        for (int j = 0; j < k; j++) {
            double a = y == j ? 1 - NO_MODEL_NOISE : NO_MODEL_NOISE / (k - 1);
            double p = (cnt[y][j] + NOISE_PRIOR_ROWS * a) / (tot[y] + NOISE_PRIOR_ROWS);
            m->noise[y][j] = p;
        }
}

/* ---- the independent witnesses: EM with the text and the noise fixed ---- */

static void posterior(const la_evmodel *m, const obs *o, const double *ptrue, int witnesses,
                      double *post)
{
    int k = m->nv;
    double z = 0;
    for (int y = 0; y < k; y++) {
        double s = ptrue[y] * m->noise[y][o->label];
        if (witnesses)
            for (int src = 0; src < LA_EV__COUNT; src++)
                if (witness[src] && o->cat[src] != NONE)
                    s *= m->theta[src][y][o->cat[src]];
        post[y] = s;
        z += s;
    }
    for (int y = 0; y < k; y++) post[y] /= z;
}

/* M step for the witnesses from the posteriors q. Returns the largest
 * change. The text rules are weighed over all rows, not within each
 * classifier bin: weighed per bin (what a rule adds to what the classifier
 * already says) they explained their evidence away on data whose labelers
 * keyed on words, halving the errors found there; the double counting is
 * tempered by smoothing instead (see the top of this file). */
static double m_step(la_evmodel *m, const double *q)
{
    int k = m->nv;
    double change = 0;
    for (int src = 0; src < LA_EV__COUNT; src++) {
        if (!witness[src]) continue;
        int nc = m->ncat[src];
        double cnt[MAXV][MAXC], tot[MAXV], freq[MAXC], all = 0;
        memset(cnt, 0, sizeof cnt);
        memset(tot, 0, sizeof tot);
        memset(freq, 0, sizeof freq);
        for (size_t i = 0; i < m->n; i++) {
            int c = m->o[i].cat[src];
            if (c == NONE) continue;
            freq[c] += 1;
            all += 1;
            for (int y = 0; y < k; y++) {
                cnt[y][c] += q[i * (size_t)k + y];
                tot[y] += q[i * (size_t)k + y];
            }
        }
        if (all == 0) continue;
        for (int y = 0; y < k; y++)
            for (int c = 0; c < nc; c++) {
                double f = (freq[c] + 0.5) / (all + 0.5 * nc);
                double p = (cnt[y][c] + SMOOTH_ROWS * f) / (tot[y] + SMOOTH_ROWS);
                double *t = &m->theta[src][y][c];
                if (fabs(p - *t) > change) change = fabs(p - *t);
                *t = p;
            }
    }
    return change;
}

/* Likelihood ratio of each source for value sug against the given label
 * on row o: the witnesses from their EM estimates; the classifier as the
 * shift of its calibrated bin over the label frequencies; a text source
 * as the shift of its cell over the bin. */
static void ratios(const la_evmodel *m, const obs *o, int sug, double *lr)
{
    double pg[MAXV], bin[MAXV], text[MAXV], spam[MAXV];
    int l = o->label;
    for (int s = 0; s < LA_EV__COUNT; s++) lr[s] = 1;
    if (sug < 0) return;
    text_given(m, o, 1, pg, bin, text, spam);
    if (o->cat[LA_EV_MODEL] != NONE)
        lr[LA_EV_MODEL] = (bin[sug] / bin[l]) / (m->prior[sug] / m->prior[l]);
    if (o->cat[LA_EV_SILENCE] != NONE)
        lr[LA_EV_SILENCE] = (text[sug] / text[l]) / (bin[sug] / bin[l]);
    if (o->cat[LA_EV_SPAM] != NONE)
        lr[LA_EV_SPAM] = (spam[sug] / spam[l]) / (bin[sug] / bin[l]);
    for (int s = 0; s < LA_EV__COUNT; s++)
        if (witness[s] && o->cat[s] != NONE)
            lr[s] = m->theta[s][sug][o->cat[s]] / m->theta[s][l][o->cat[s]];
}

/* In a cluster of copies whose labels disagree at least one label is
 * wrong (or the text alone cannot decide it): its member most likely to
 * be wrong is marked, the latest on ties. */
static void pick_conflicts(la_evmodel *m)
{
    if (!m->cluster_counts) return;
    size_t nc = 0;
    for (size_t i = 0; i < m->n; i++) if (m->o[i].cluster > nc) nc = m->o[i].cluster;
    uint64_t *best = la_xcalloc(nc + 1, sizeof *best);   /* obs index + 1 */
    for (size_t i = 0; i < m->n; i++) {
        const obs *o = &m->o[i];
        if (!o->cluster) continue;
        const uint32_t *c = m->cluster_counts + (size_t)o->cluster * (size_t)m->nv;
        int values = 0;
        for (int v = 0; v < m->nv; v++) values += c[v] > 0;
        if (values < 2) continue;
        uint64_t *b = &best[o->cluster];
        if (!*b || o->p_wrong >= m->o[*b - 1].p_wrong) *b = i + 1;
    }
    for (size_t c = 1; c <= nc; c++)
        if (best[c]) m->o[best[c] - 1].conflict_pick = 1;
    free(best);
}

/* ANNOT from the annotator model: where Dawid-Skene weighed each rater by
 * the reliability it showed, its class and whether it is confident
 * (ANNOT_SURE) replace the simple majority and its unanimity. */
static void take_annotators(la_evmodel *m, const la_agree *g)
{
    if (!g) return;
    for (size_t i = 0; i < m->n; i++) {
        obs *o = &m->o[i];
        if (o->cat[LA_EV_ANNOT] == NONE) continue;
        double p = 0;
        la_class c = la_agree_ds_class(g, o->index, &p);
        if (c == LA_CLASS_UNKNOWN) continue;
        o->cat[LA_EV_ANNOT] = (uint8_t)(1 + 2 * ((int)c - 1) + (p >= ANNOT_SURE));
    }
}

void la_evmodel_finish(la_evmodel *m, const la_learn *learn, const la_dedup *dedup,
                       const la_agree *agree)
{
    if (m->finished) return;
    m->finished = 1;
    int k = m->nv;
    take_model(m, learn);
    take_clusters(m, dedup);
    take_annotators(m, agree);
    /* the toxicity rules speak only where the labels are about toxicity */
    int tox = 0;
    for (int y = 0; y < k; y++)
        tox |= m->v[y].cls == LA_CLASS_TOXIC || m->v[y].cls == LA_CLASS_NON_TOXIC;
    if (!tox)
        for (size_t i = 0; i < m->n; i++) m->o[i].cat[LA_EV_TEXT] = m->o[i].cat[LA_EV_SILENCE] = NONE;
    m->ncat[LA_EV_LABEL] = k;
    m->ncat[LA_EV_MODEL] = PROB_BINS;
    m->ncat[LA_EV_TEXT] = LA_TOXR__COUNT;
    m->ncat[LA_EV_SPAM] = SPAM_BINS;
    m->ncat[LA_EV_DUP] = k + 1;
    m->ncat[LA_EV_ANNOT] = ANNOT_CATS;
    m->ncat[LA_EV_SCORE] = PROB_BINS;
    m->ncat[LA_EV_SILENCE] = LA_EV_SIL__COUNT;
    for (size_t i = 0; i < m->n; i++)
        for (int s = 0; s < LA_EV__COUNT; s++)
            if (m->o[i].cat[s] != NONE) m->rows_cat[s][m->o[i].cat[s]]++;
    if (k < 2 || m->n == 0) return;

    /* calibration tables of the text sources */
    for (int y = 0; y < k; y++) m->prior[y] = ((double)m->v[y].rows + 1) / ((double)m->n + k);
    for (size_t i = 0; i < m->n; i++) {
        const obs *o = &m->o[i];
        int b = model_bin(o);
        m->n_bin[b][o->label]++;
        for (int t = 0; t < NCELL; t++)
            if (o->cat[cell_src[t]] != NONE) m->n_cell[t][b][o->cat[cell_src[t]]][o->label]++;
    }
    if (m->has_model) fit_platt(m);
    if (!m->has_model) prior_noise(m);
    else if (!joint_noise(m, learn)) estimate_noise(m);

    /* P(true | text) per row, then EM for the witnesses */
    double *pt = la_xmalloc(m->n * (size_t)k * sizeof *pt);
    double *q = la_xmalloc(m->n * (size_t)k * sizeof *q);
    double pg[MAXV], bin[MAXV], text[MAXV], spam[MAXV];
    for (size_t i = 0; i < m->n; i++) {
        text_given(m, &m->o[i], 1, pg, bin, text, spam);
        memcpy(pt + i * (size_t)k, pg, (size_t)k * sizeof *pg);
        posterior(m, &m->o[i], pt + i * (size_t)k, 0, q + i * (size_t)k);
    }
    for (m->iterations = 1; m->iterations <= MAX_ITER; m->iterations++) {
        double change = m_step(m, q);
        if (!m->has_model) m_step_noise(m, q);
        for (size_t i = 0; i < m->n; i++)
            posterior(m, &m->o[i], pt + i * (size_t)k, 1, q + i * (size_t)k);
        if (change < TOL) break;
    }
    if (m->iterations > MAX_ITER) m->iterations = MAX_ITER;

    m->est_errors = 0;
    for (size_t i = 0; i < m->n; i++) {
        obs *o = &m->o[i];
        const double *p = q + i * (size_t)k;
        o->p_wrong = (float)(1 - p[o->label]);
        m->est_errors += 1 - p[o->label];
        int best = -1;
        for (int y = 0; y < k; y++)
            if (y != o->label && (best < 0 || p[y] > p[best])) best = y;
        o->sug = best < 0 ? NONE : (uint8_t)best;
        double lr[LA_EV__COUNT];
        ratios(m, o, best, lr);
        for (int s = 1; s < LA_EV__COUNT; s++)
            if (o->cat[s] != NONE && lr[s] >= ARGUE_LR) {
                m->prec_sum[s][o->cat[s]] += o->p_wrong;
                m->prec_n[s][o->cat[s]] += 1;
            }
    }
    pick_conflicts(m);
    free(pt);
    free(q);
}

int la_evmodel_verdict(const la_evmodel *m, uint64_t index, la_ev_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->suggested = -1;
    for (int s = 0; s < LA_EV__COUNT; s++) { v->cat[s] = -1; v->lr[s] = 1; }
    const obs *o = m && m->finished && m->nv >= 2 ? find_obs(m, index) : NULL;
    if (!o) return 0;
    v->p_wrong = o->p_wrong;
    v->conflict_pick = o->conflict_pick;
    for (int s = 0; s < LA_EV__COUNT; s++)
        if (o->cat[s] != NONE) v->cat[s] = o->cat[s];
    if (o->sug == NONE) return 1;
    v->suggested = o->sug;
    v->cluster = o->cluster;
    v->dup_others = o->dup_others;
    if (o->cluster && m->cluster_counts)
        v->dup_agree = m->cluster_counts[(size_t)o->cluster * (size_t)m->nv + o->sug];
    v->suggested_class = m->v[o->sug].cls;
    v->suggested_json = m->v[o->sug].json;
    v->suggested_json_len = m->v[o->sug].json_len;
    ratios(m, o, o->sug, v->lr);
    return 1;
}

int la_evmodel_reason(la_ev_source s, int cat)
{
    switch (s) {
    case LA_EV_MODEL: return LA_R_MODEL_DISAGREES;
    case LA_EV_DUP: return LA_R_LABEL_CONFLICT;
    case LA_EV_SCORE: return LA_R_OUTSIDE_SCORE;
    case LA_EV_SPAM: return cat > 0 ? LA_R_SPAM : -1;
    case LA_EV_ANNOT: return cat == 0 ? LA_R_LOW_AGREEMENT : LA_R_NOT_MAJORITY;
    case LA_EV_SILENCE:
        switch (cat) {
        case LA_EV_SIL_NONE: return LA_R_NO_EVIDENCE;
        case LA_EV_SIL_UNTARGETED: return LA_R_PROFANITY_ONLY;
        case LA_EV_SIL_IDENTITY: return LA_R_IDENTITY_ONLY;
        default: return -1;
        }
    case LA_EV_TEXT:
        switch (cat) {
        case LA_TOXR_NONE: case LA_TOXR_OTHER: return -1;
        case LA_TOXR_PROFANITY_PRAISE: case LA_TOXR_SLUR_INNOCENT:
        case LA_TOXR_SLUR_MENTIONED: case LA_TOXR_PROFANITY_UNTARGETED:
            return LA_R_PROFANITY_ONLY;
        case LA_TOXR_IDENTITY_ONLY: return LA_R_IDENTITY_ONLY;
        default: return LA_R_MISSED_TOXICITY;
        }
    default: return -1;
    }
}

int la_evmodel_absence(la_ev_source s, int cat)
{
    return s == LA_EV_SILENCE || (s == LA_EV_SPAM && cat == 0) ||
           (s == LA_EV_TEXT && cat == LA_TOXR_NONE);
}

double la_evmodel_precision(const la_evmodel *m, la_ev_source s, int cat, double *rows)
{
    if (rows) *rows = 0;
    if (!m || s >= LA_EV__COUNT || cat < 0 || cat >= MAXC || m->prec_n[s][cat] <= 0) return -1;
    if (rows) *rows = m->prec_n[s][cat];
    return m->prec_sum[s][cat] / m->prec_n[s][cat];
}

int la_evmodel_nvalues(const la_evmodel *m) { return m ? m->nv : 0; }

static int numeric_text(const char *s)
{
    if (*s == '-') s++;
    if (!*s) return 0;
    for (; *s; s++) if ((*s < '0' || *s > '9') && *s != '.') return 0;
    return 1;
}

int la_evmodel_note_vocabulary(const la_evmodel *m, FILE *out)
{
    const la_options *o = m->opt;
    if (o->toxic_values || o->clean_values || o->spam_values || o->ham_values) return 0;
    char mapped[160] = "", unmapped[160] = "";
    int nm = 0, nu = 0;
    for (int i = 0; i < m->nv; i++) {
        if (!numeric_text(m->v[i].text)) continue;
        char *b = m->v[i].cls == LA_CLASS_UNKNOWN ? unmapped : mapped;
        size_t len = strlen(b);
        if (m->v[i].cls == LA_CLASS_UNKNOWN) {
            snprintf(b + len, sizeof unmapped - len, "%s%s", nu ? ", " : "", m->v[i].text);
            nu++;
        } else {
            snprintf(b + len, sizeof mapped - len, "%s%s = %s", nm ? ", " : "", m->v[i].text,
                     la_class_name(m->v[i].cls));
            nm++;
        }
    }
    if (!nm && !nu) return 0;
    if (nu)
        fprintf(out, "labelaudit: note: the label values %s%s%s are bare numbers whose meaning "
                "this tool cannot know%s%s%s: name the harmful values with --toxic-values (or "
                "--spam-values) and the others with --clean-values (or --ham-values)\n",
                unmapped, nm ? " and the values read by convention" : "", "",
                nm ? " (" : "", nm ? mapped : "", nm ? ", which may be wrong here)" : "");
    else
        fprintf(out, "labelaudit: note: numeric labels read by the usual convention (%s); if 0 "
                "means the harmful class, say so with --toxic-values and --clean-values\n",
                mapped);
    return 1;
}

const char *la_evmodel_value_text(const la_evmodel *m, int i)
{
    return m && i >= 0 && i < m->nv ? m->v[i].text : "?";
}

const char *la_evmodel_value_json(const la_evmodel *m, int i, size_t *len)
{
    if (!m || i < 0 || i >= m->nv) return NULL;
    if (len) *len = m->v[i].json_len;
    return m->v[i].json;
}

/* The name of category c of source s, into buf. */
static const char *cat_name(const la_evmodel *m, int s, int c, char *buf, size_t n)
{
    switch (s) {
    case LA_EV_LABEL: return m->v[c].text;
    case LA_EV_TEXT: return c == LA_TOXR_NONE ? "no_positive_cue" : toxr_names[c];
    case LA_EV_SILENCE: return silence_names[c];
    case LA_EV_DUP:
        if (c == m->nv) return "tie";
        snprintf(buf, n, "others_%s", m->v[c].text);
        return buf;
    case LA_EV_ANNOT:
        if (c == 0) return "tie";
        snprintf(buf, n, "%s_%s", (c - 1) % 2 ? "sure" : "leaning",
                 la_class_name((la_class)((c - 1) / 2 + 1)));
        return buf;
    case LA_EV_SPAM: {
        static const char *const sb[SPAM_BINS] = { "0", "0-0.2", "0.2-0.4", "0.4-0.6",
                                                    "0.6-0.8", "0.8-1" };
        return sb[c];
    }
    default: {
        double lo = c ? prob_edges[c - 1] : 0, hi = c < PROB_BINS - 1 ? prob_edges[c] : 1;
        snprintf(buf, n, "%g-%g", lo, hi);
        return buf;
    }
    }
}

const char *la_evmodel_cat_name(la_evmodel *m, la_ev_source s, int cat)
{
    if (!m || s >= LA_EV__COUNT || cat < 0 || cat >= m->ncat[s]) return "?";
    return cat_name(m, s, cat, m->name_buf, sizeof m->name_buf);
}

cJSON *la_evmodel_summary(const la_evmodel *m)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "rows_modeled", (double)m->n);
    cJSON_AddNumberToObject(o, "rows_not_modeled", (double)m->unmodeled);
    cJSON *vals = cJSON_AddArrayToObject(o, "values");
    for (int i = 0; i < m->nv; i++) {
        cJSON *v = cJSON_CreateObject();
        cJSON_AddStringToObject(v, "value", m->v[i].text);
        cJSON_AddStringToObject(v, "class", la_class_name(m->v[i].cls) ? la_class_name(m->v[i].cls)
                                                                       : "unknown");
        cJSON_AddNumberToObject(v, "rows", (double)m->v[i].rows);
        cJSON_AddItemToArray(vals, v);
    }
    if (!m->finished || m->nv < 2 || !m->n) {
        cJSON_AddStringToObject(o, "fitted", m->nv < 2 ? "no: fewer than two label values"
                                                       : "no rows");
        return o;
    }
    cJSON_AddNumberToObject(o, "iterations", m->iterations);
    cJSON_AddNumberToObject(o, "estimated_label_errors", round(m->est_errors * 10) / 10);
    /* P(given | true), estimated from anchor rows */
    cJSON *noise = cJSON_AddObjectToObject(o, "noise_given_true");
    for (int y = 0; y < m->nv; y++) {
        cJSON *row = cJSON_AddObjectToObject(noise, m->v[y].text);
        for (int g = 0; g < m->nv; g++)
            cJSON_AddNumberToObject(row, m->v[g].text, round(m->noise[y][g] * 1e4) / 1e4);
    }
    cJSON *srcs = cJSON_AddObjectToObject(o, "sources");
    char buf[80];
    (void)buf;
    for (int s = 1; s < LA_EV__COUNT; s++) {
        uint64_t any = 0;
        for (int c = 0; c < m->ncat[s]; c++) any += m->rows_cat[s][c];
        if (!any) continue;
        cJSON *so = cJSON_AddObjectToObject(srcs, source_names[s]);
        for (int c = 0; c < m->ncat[s]; c++) {
            if (!m->rows_cat[s][c]) continue;
            cJSON *co = cJSON_AddObjectToObject(so, cat_name(m, s, c, buf, sizeof buf));
            cJSON_AddNumberToObject(co, "rows", (double)m->rows_cat[s][c]);
            if (s >= LA_EV_DUP) {
                cJSON *p = cJSON_AddObjectToObject(co, "p_given_true");
                for (int y = 0; y < m->nv; y++)
                    cJSON_AddNumberToObject(p, m->v[y].text, round(m->theta[s][y][c] * 1e4) / 1e4);
            }
            double pr = la_evmodel_precision(m, (la_ev_source)s, c, NULL);
            if (pr >= 0) {
                cJSON_AddNumberToObject(co, "argues_against_label", m->prec_n[s][c]);
                cJSON_AddNumberToObject(co, "estimated_precision", round(pr * 1e4) / 1e4);
            }
        }
    }
    return o;
}
