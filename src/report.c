/*
 * report.c - the self-contained HTML report (--report FILE.html): one page
 * a lead can open from disk or attach to a ticket, with no external
 * requests (inline CSS, inline SVG charts, no scripts).
 *
 * The page is built from two inputs: the summary object (the same JSON as
 * --summary) and the highest-ranked queue rows. Sections, each an element
 * with a stable id that the browser check looks for: overview (row
 * counts, rejects, speed), reasons (bar chart), labels (class distribution
 * before and after the suggested fixes, raw label values), scores (queue
 * score histogram), purity (top per-term label purity offenders), clusters
 * (duplicate clusters and conflicts), agreement (annotator figures, or a
 * note that the data has none) and queue (the top rows with evidence
 * marked in the text).
 *
 * Invariants: every string that comes from the data or the summary goes
 * through esc(), which escapes the five HTML metacharacters and writes
 * invalid UTF-8 and control characters other than tab, CR and LF (which
 * HTML reads as line ends) as U+FFFD, so the page is always
 * well-formed UTF-8 whatever the input. A missing key or a value of the
 * wrong type prints "n/a" (or leaves a chart out with a note); nothing in
 * the summary is trusted to have a shape. Evidence marks are built from
 * the boundaries of all spans (clipped to the shown text and widened to
 * whole UTF-8 sequences), so overlapping spans give adjacent, never
 * interleaved, <mark> elements. The whole page is built in memory and
 * written with one fwrite; the result is LA_EIO when the stream fails.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "la_calibration.h"
#include "la_common.h"
#include "la_diff.h"
#include "la_report.h"

/* A queue row's text is shown up to this many bytes (cut at a character
 * boundary): the table is for reading, and one 10 MB row must not make a
 * 10 MB page. Pinned by test_formats (test_report_marks). */
#define SHOW_TEXT_MAX 1500
/* Rows of the purity table: the offenders come first in the summary, and
 * a reviewer reads the head of the list. */
#define PURITY_ROWS 25
/* Rows of the "largest clusters" and "outlier annotators" tables. */
#define LIST_ROWS 20

/* ---- escaping and numbers -------------------------------------------------- */

static void esc(la_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, from = 0;
    while (i < n) {
        unsigned char c = u[i];
        const char *rep = NULL;
        size_t adv = 1;
        if (c == '&') rep = "&amp;";
        else if (c == '<') rep = "&lt;";
        else if (c == '>') rep = "&gt;";
        else if (c == '"') rep = "&quot;";
        else if (c == '\'') rep = "&#39;";
        else if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') rep = "\xEF\xBF\xBD";
        else if (c == 0x7f) rep = "\xEF\xBF\xBD";
        else if (c >= 0x80) {
            adv = la_utf8_valid_len(u + i, n - i);
            if (!adv) { rep = "\xEF\xBF\xBD"; adv = 1; }
        }
        if (rep) {
            la_buf_add(b, s + from, i - from);
            la_buf_adds(b, rep);
            i += adv;
            from = i;
        } else {
            i += adv;
        }
    }
    la_buf_add(b, s + from, n - from);
}

static void escz(la_buf *b, const char *s)
{
    if (s) esc(b, s, strlen(s));
}

/* Named entities scraped text often carries, decoded for display. */
static const struct { const char *name; int32_t cp; } entities[] = {
    { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
    { "nbsp", 0xA0 }, { "hellip", 0x2026 }, { "mdash", 0x2014 }, { "ndash", 0x2013 },
    { "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "ldquo", 0x201C }, { "rdquo", 0x201D }
};

/* Length of the entity at s (up to n bytes: "&amp;", "&#8217;", "&#x27;")
 * with its code point in *cp, or 0 when s holds none. */
static size_t entity_at(const char *s, size_t n, int32_t *cp)
{
    size_t k = 1;
    if (n < 3 || s[0] != '&') return 0;
    while (k < n && k < 12 && s[k] != ';') k++;
    if (k >= n || s[k] != ';') return 0;
    if (s[1] == '#') {
        int hex = k > 2 && (s[2] == 'x' || s[2] == 'X');
        long v = 0;
        size_t i = hex ? 3 : 2;
        if (i >= k) return 0;
        for (; i < k; i++) {
            int d = s[i] >= '0' && s[i] <= '9' ? s[i] - '0'
                  : hex && s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
                  : hex && s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10 : -1;
            if (d < 0) return 0;
            v = v * (hex ? 16 : 10) + d;
            if (v > 0x10FFFF) return 0;
        }
        if (v == 0 || (v >= 0xD800 && v <= 0xDFFF)) return 0;
        *cp = (int32_t)v;
        return k + 1;
    }
    for (size_t e = 0; e < LA_ARRAY_LEN(entities); e++)
        if (strlen(entities[e].name) == k - 1 && memcmp(s + 1, entities[e].name, k - 1) == 0) {
            *cp = entities[e].cp;
            return k + 1;
        }
    return 0;
}

/* Shown text: HTML entities in the data ("&amp;", "&#8217;") decoded, as
 * a reader of the original page saw them, then escaped like any string.
 * Only for display; offsets and the exports keep the text as it is. */
static void esc_shown(la_buf *b, const char *s, size_t n)
{
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t cp;
        size_t k = s[i] == '&' ? entity_at(s + i, n - i, &cp) : 0;
        if (!k) continue;
        esc(b, s + from, i - from);
        char u[4];
        esc(b, u, la_utf8_encode(cp, u));
        i += k - 1;
        from = i + 1;
    }
    esc(b, s + from, n - from);
}

/* An integer with thousands separators ("1,234,567"). */
static void add_int(la_buf *b, double x)
{
    if (!isfinite(x)) { la_buf_adds(b, "n/a"); return; }
    char tmp[40];
    long long v = llround(x);
    int neg = v < 0;
    unsigned long long u = neg ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    int n = snprintf(tmp, sizeof tmp, "%llu", u);
    if (neg) la_buf_addc(b, '-');
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) la_buf_addc(b, ',');
        la_buf_addc(b, tmp[i]);
    }
}

/* A number: integers grouped, fractions as every writer prints scores. */
static void add_num(la_buf *b, double x)
{
    if (!isfinite(x)) la_buf_adds(b, "n/a");
    else if (x == floor(x) && fabs(x) < 1e15) add_int(b, x);
    else la_buf_add_score(b, x);
}

static void add_pct(la_buf *b, double part, double whole)
{
    if (!(whole > 0) || !isfinite(part)) { la_buf_adds(b, "n/a"); return; }
    la_buf_printf(b, "%.1f%%", 100.0 * part / whole);
}

/* ---- summary access (never trusts the shape) ---------------------------------- */

static const cJSON *item(const cJSON *o, const char *k)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

static int num(const cJSON *o, const char *k, double *out)
{
    const cJSON *v = item(o, k);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) return 0;
    *out = v->valuedouble;
    return 1;
}

static void add_num_or_na(la_buf *b, const cJSON *o, const char *k)
{
    double x;
    if (num(o, k, &x)) add_num(b, x);
    else la_buf_adds(b, "n/a");
}

/* A JSON value as readable text: strings as they are, numbers per
 * add_num, booleans yes/no, objects "k: v, ...", arrays "a, b". */
static void add_value(la_buf *b, const cJSON *v, int depth)
{
    if (!v || cJSON_IsNull(v)) la_buf_adds(b, "n/a");
    else if (cJSON_IsString(v)) escz(b, v->valuestring);
    else if (cJSON_IsNumber(v)) add_num(b, v->valuedouble);
    else if (cJSON_IsBool(v)) la_buf_adds(b, cJSON_IsTrue(v) ? "yes" : "no");
    else if (depth > 2) la_buf_adds(b, "&hellip;");
    else if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        int i = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, v) {
            if (i++) la_buf_adds(b, ", ");
            if (cJSON_IsObject(v)) { escz(b, c->string); la_buf_adds(b, ": "); }
            add_value(b, c, depth + 1);
        }
        if (!i) la_buf_adds(b, "&mdash;");
    }
}

/* A two-column table of an object's members: key, then its number. head
 * is the first column's header cell, cell the opening tag of its cells,
 * count the second column's name. */
static void key_count_table(la_buf *b, const char *caption, const char *head,
                            const char *count, const char *cell, const cJSON *obj)
{
    la_buf_adds(b, "<table class=\"small\"><caption>");
    la_buf_adds(b, caption);
    la_buf_adds(b, "</caption><tr>");
    la_buf_adds(b, head);
    la_buf_adds(b, "<th class=\"n\">");
    la_buf_adds(b, count);
    la_buf_adds(b, "</th></tr>\n");
    const cJSON *c;
    cJSON_ArrayForEach(c, obj) {
        la_buf_adds(b, "<tr>");
        la_buf_adds(b, cell);
        escz(b, c->string);
        la_buf_adds(b, "</td><td class=\"n\">");
        add_value(b, c, 0);
        la_buf_adds(b, "</td></tr>\n");
    }
    la_buf_adds(b, "</table>\n");
}

/* ---- charts ---------------------------------------------------------------------- */

typedef struct bar {
    const char *label;   /* escaped on output */
    double v[2];         /* one or two series */
} bar;

static const char *const series_class[2] = { "s0", "s1" };

/* Horizontal bar chart: one row per bar (two thin bars when nseries is
 * 2), label on the left, value after the bar. */
static void hbar_chart(la_buf *b, const char *title, const bar *bars, int n, int nseries)
{
    double max = 0;
    for (int i = 0; i < n; i++)
        for (int s = 0; s < nseries; s++) if (bars[i].v[s] > max) max = bars[i].v[s];
    if (max <= 0) max = 1;
    const int label_w = 170, bar_w = 430, row_h = nseries == 2 ? 34 : 24;
    int h = n * row_h + 6;
    la_buf_printf(b, "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 680 %d\" "
                     "width=\"680\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">"
                     "<title>", h, h);
    escz(b, title);
    la_buf_adds(b, "</title>");
    for (int i = 0; i < n; i++) {
        int y = i * row_h + 3;
        la_buf_printf(b, "<text class=\"lbl\" x=\"%d\" y=\"%d\" text-anchor=\"end\">",
                      label_w - 8, y + row_h / 2 + 1);
        escz(b, bars[i].label);
        la_buf_adds(b, "</text>");
        int bh = nseries == 2 ? 13 : 16;
        for (int s = 0; s < nseries; s++) {
            double v = bars[i].v[s];
            int w = v > 0 ? (int)lround(v / max * bar_w) : 0;
            if (v > 0 && w < 2) w = 2;
            int by = y + (nseries == 2 ? 2 + s * (bh + 2) : 2);
            la_buf_printf(b, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"2\"/>",
                          series_class[s], label_w, by, w, bh);
            la_buf_printf(b, "<text class=\"val\" x=\"%d\" y=\"%d\">", label_w + w + 6, by + bh - 3);
            add_num(b, v);
            la_buf_adds(b, "</text>");
        }
    }
    la_buf_adds(b, "</svg>\n");
}

/* Vertical histogram of n bins over [0,1]. */
static void histogram(la_buf *b, const double *bins, int n)
{
    double max = 0;
    for (int i = 0; i < n; i++) if (bins[i] > max) max = bins[i];
    if (max <= 0) max = 1;
    const int left = 40, plot_h = 160, top = 18, col_w = 56;
    int w = left + n * col_w + 10, h = top + plot_h + 40;
    la_buf_printf(b, "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                     "height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">"
                     "<title>Queue rows per score bin</title>", w, h, w, h);
    la_buf_printf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
                  left, top + plot_h, left + n * col_w, top + plot_h);
    for (int i = 0; i < n; i++) {
        int bh = bins[i] > 0 ? (int)lround(bins[i] / max * plot_h) : 0;
        if (bins[i] > 0 && bh < 2) bh = 2;
        int x = left + i * col_w + 6;
        la_buf_printf(b, "<rect class=\"s0\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"2\"/>",
                      x, top + plot_h - bh, col_w - 12, bh);
        la_buf_printf(b, "<text class=\"val\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
                      x + (col_w - 12) / 2, top + plot_h - bh - 4);
        add_num(b, bins[i]);
        la_buf_adds(b, "</text>");
        la_buf_printf(b, "<text class=\"lbl\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
                         "%.1f&ndash;%.1f</text>",
                      x + (col_w - 12) / 2, top + plot_h + 16,
                      (double)i / n, (double)(i + 1) / n);
    }
    la_buf_printf(b, "<text class=\"lbl\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">score</text>",
                  left + n * col_w / 2, top + plot_h + 34);
    la_buf_adds(b, "</svg>\n");
}

/* ---- sections --------------------------------------------------------------------- */

static void section_open(la_buf *b, const char *id, const char *title)
{
    la_buf_printf(b, "<section id=\"%s\">\n<h2>%s</h2>\n", id, title);
}

static void section_close(la_buf *b)
{
    la_buf_adds(b, "</section>\n");
}

static void note(la_buf *b, const char *html)
{
    la_buf_printf(b, "<p class=\"note\">%s</p>\n", html);
}

static void card(la_buf *b, const char *label, const cJSON *sum, const char *key,
                 const char *extra_html)
{
    la_buf_adds(b, "<div class=\"card\"><div class=\"k\">");
    la_buf_adds(b, label);
    la_buf_adds(b, "</div><div class=\"v\">");
    add_num_or_na(b, sum, key);
    la_buf_adds(b, "</div>");
    if (extra_html) la_buf_printf(b, "<div class=\"x\">%s</div>", extra_html);
    la_buf_adds(b, "</div>");
}

static void sec_overview(la_buf *b, const cJSON *sum)
{
    section_open(b, "overview", "Overview");
    double read = NAN, audited = NAN, flagged = NAN, rejected = NAN;
    num(sum, "rows_read", &read);
    num(sum, "rows_audited", &audited);
    num(sum, "rows_flagged", &flagged);
    num(sum, "rows_rejected", &rejected);
    la_buf tmp;
    la_buf_init(&tmp);
    la_buf_adds(b, "<div class=\"cards\">");
    card(b, "rows read", sum, "rows_read", NULL);
    card(b, "audited", sum, "rows_audited", NULL);
    la_buf_adds(&tmp, "");
    add_pct(&tmp, rejected, read);
    la_buf_adds(&tmp, " of rows read");
    card(b, "rejected", sum, "rows_rejected", tmp.p);
    la_buf_reset(&tmp);
    add_pct(&tmp, flagged, audited);
    la_buf_adds(&tmp, " of rows audited");
    card(b, "flagged for review", sum, "rows_flagged", tmp.p);
    la_buf_adds(b, "</div>\n<p class=\"meta\">Time: ");
    add_num_or_na(b, sum, "seconds");
    la_buf_adds(b, " s &middot; Throughput: ");
    add_num_or_na(b, sum, "mb_per_s");
    la_buf_adds(b, " MB/s</p>\n");
    const cJSON *model = item(sum, "model");
    if (cJSON_IsObject(model)) {
        const cJSON *tr = item(model, "trained"), *why = item(model, "why_not");
        la_buf_adds(b, "<p class=\"meta\">In-dataset classifier: ");
        if (cJSON_IsTrue(tr)) {
            la_buf_adds(b, "trained on ");
            add_num_or_na(b, model, "rows");
            la_buf_adds(b, " rows, ");
            add_num_or_na(b, model, "folds");
            la_buf_adds(b, " folds, ");
            add_num_or_na(b, model, "flagged");
            la_buf_adds(b, " rows doubted");
        } else {
            la_buf_adds(b, "not used");
            if (cJSON_IsString(why)) { la_buf_adds(b, " ("); escz(b, why->valuestring); la_buf_adds(b, ")"); }
        }
        la_buf_adds(b, "</p>\n");
    }
    const cJSON *dict = item(sum, "dictionary");
    if (cJSON_IsFalse(item(dict, "enabled")))
        note(b, "<b>No hunspell dictionary was loaded:</b> the dictionary-based checks "
                "(gibberish, word-likeness) were switched off.");
    const cJSON *rej = item(sum, "rejects");
    if (cJSON_IsObject(rej) && rej->child)
        key_count_table(b, "Rejected lines by cause", "<th>cause</th>", "lines", "<td>", rej);
    la_buf_free(&tmp);
    section_close(b);
}

/* Reasons that are informational on their own: same-label duplicates,
 * NO_EVIDENCE and LOW_AGREEMENT score under the default --min-score (0.3),
 * as the README's "Queue" options say, so they reach the queue beside
 * another reason or with --min-score 0. Pinned by
 * tests/cases/report-run-and-review.case. */
static int informational(la_reason r)
{
    return r == LA_R_DUPLICATE || r == LA_R_NEAR_DUPLICATE || r == LA_R_NO_EVIDENCE ||
           r == LA_R_LOW_AGREEMENT;
}

static void sec_reasons(la_buf *b, const cJSON *sum)
{
    section_open(b, "reasons", "Flags per reason");
    const cJSON *rs = item(sum, "reasons");
    if (!cJSON_IsObject(rs)) {
        note(b, "Reason counts: n/a");
        section_close(b);
        return;
    }
    bar bars[64], info[LA_R__COUNT];
    int n = 0, ni = 0;
    /* the stable reason order first, then any code this build does not know;
     * informational reasons go to a table of their own */
    for (int r = 0; r < LA_R__COUNT && n < 64; r++) {
        const char *name = la_reason_name((la_reason)r);
        const cJSON *v = item(rs, name);
        if (!cJSON_IsNumber(v) || v->valuedouble <= 0) continue;
        if (informational((la_reason)r)) info[ni++] = (bar){ name, { v->valuedouble, 0 } };
        else bars[n++] = (bar){ name, { v->valuedouble, 0 } };
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, rs) {
        if (n >= 64 || !c->string || !cJSON_IsNumber(c) || c->valuedouble <= 0) continue;
        if (la_reason_parse(c->string, strlen(c->string)) >= 0) continue;
        bars[n++] = (bar){ c->string, { c->valuedouble, 0 } };
    }
    if (n) hbar_chart(b, "Queued reasons: rows per reason", bars, n, 1);
    else note(b, "No row was flagged.");
    note(b, "A row can carry several reasons, so the bars may add up to more than the "
            "flagged rows.");
    if (ni) {
        la_buf_adds(b, "<table class=\"small\"><caption>Informational reasons: low priority "
                       "on their own, queued by default only beside another reason</caption><tr><th>reason</th>"
                       "<th class=\"n\">rows</th></tr>\n");
        for (int i = 0; i < ni; i++) {
            la_buf_adds(b, "<tr><td><span class=\"code\">");
            escz(b, info[i].label);
            la_buf_adds(b, "</span></td><td class=\"n\">");
            add_int(b, info[i].v[0]);
            la_buf_adds(b, "</td></tr>\n");
        }
        la_buf_adds(b, "</table>\n");
    }
    section_close(b);
}

/* The other class of the same task: fixing a row's label to one class
 * takes it out of the other. */
static const char *partner(const char *cls)
{
    if (!strcmp(cls, "toxic")) return "non_toxic";
    if (!strcmp(cls, "non_toxic")) return "toxic";
    if (!strcmp(cls, "spam")) return "ham";
    if (!strcmp(cls, "ham")) return "spam";
    return NULL;
}

static void sec_labels(la_buf *b, const cJSON *sum)
{
    section_open(b, "labels", "Label distribution before and after suggested fixes");
    const cJSON *labels = item(sum, "labels");
    const cJSON *classes = item(labels, "classes");
    const cJSON *sug = item(sum, "suggested");
    if (!cJSON_IsObject(classes) || !classes->child) {
        note(b, "Label classes: n/a");
    } else {
        bar bars[32];
        int n = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, classes)
            if (n < 32 && c->string && cJSON_IsNumber(c))
                bars[n++] = (bar){ c->string, { c->valuedouble, c->valuedouble } };
        /* classes that only appear as suggestions start from zero */
        cJSON_ArrayForEach(c, sug) {
            if (n >= 32 || !c->string || !cJSON_IsNumber(c)) continue;
            int k;
            for (k = 0; k < n; k++) if (!strcmp(bars[k].label, c->string)) break;
            if (k == n) bars[n++] = (bar){ c->string, { 0, 0 } };
        }
        /* exact moves when the summary has them: label_changes
         * {from class: {to class: rows}}; else each suggestion leaves the
         * partner class of its task */
        const cJSON *moves = item(sum, "label_changes");
        int have_sug = cJSON_IsObject(sug) || cJSON_IsObject(moves);
        const cJSON *no_moves = cJSON_IsObject(moves) ? NULL : sug;
        const cJSON *src;
        if (!cJSON_IsObject(moves)) moves = NULL;
        cJSON_ArrayForEach(src, moves) {
            const cJSON *to;
            cJSON_ArrayForEach(to, src) {
                if (!to->string || !src->string || !cJSON_IsNumber(to)) continue;
                int k;
                for (k = 0; k < n; k++) if (!strcmp(bars[k].label, to->string)) break;
                if (k == n && n < 32) bars[n++] = (bar){ to->string, { 0, 0 } };
                if (k < n) bars[k].v[1] += to->valuedouble;
                for (k = 0; k < n; k++)
                    if (!strcmp(bars[k].label, src->string)) bars[k].v[1] -= to->valuedouble;
            }
        }
        cJSON_ArrayForEach(c, no_moves) {
            if (!c->string || !cJSON_IsNumber(c) || c->valuedouble <= 0) continue;
            const char *from = partner(c->string);
            for (int k = 0; k < n; k++) {
                if (!strcmp(bars[k].label, c->string)) bars[k].v[1] += c->valuedouble;
                else if (from && !strcmp(bars[k].label, from)) bars[k].v[1] -= c->valuedouble;
            }
        }
        for (int k = 0; k < n; k++) if (bars[k].v[1] < 0) bars[k].v[1] = 0;
        la_buf_adds(b, "<div class=\"legend\"><span class=\"sw s0\"></span>as labeled "
                       "<span class=\"sw s1\"></span>after the suggested fixes</div>\n");
        hbar_chart(b, "Rows per label class, before and after the suggested fixes", bars, n, 2);
        la_buf_adds(b, "<table class=\"small\"><tr><th>class</th><th class=\"n\">as labeled</th>"
                       "<th class=\"n\">after fixes</th><th class=\"n\">change</th></tr>\n");
        for (int k = 0; k < n; k++) {
            la_buf_adds(b, "<tr><td>");
            escz(b, bars[k].label);
            la_buf_adds(b, "</td><td class=\"n\">");
            add_num(b, bars[k].v[0]);
            la_buf_adds(b, "</td><td class=\"n\">");
            if (have_sug) add_num(b, bars[k].v[1]); else la_buf_adds(b, "n/a");
            la_buf_adds(b, "</td><td class=\"n\">");
            if (have_sug) {
                double d = bars[k].v[1] - bars[k].v[0];
                if (d > 0) la_buf_addc(b, '+');
                add_num(b, d);
            } else la_buf_adds(b, "n/a");
            la_buf_adds(b, "</td></tr>\n");
        }
        la_buf_adds(b, "</table>\n");
        note(b, "&ldquo;After&rdquo; applies every suggested label: a row suggested for one "
                "class leaves the other class of its task (toxic/non_toxic, spam/ham).");
    }
    const cJSON *raw = item(labels, "raw");
    if (cJSON_IsObject(raw) && raw->child) {
        la_buf_adds(b, "<details><summary>Label values as written in the data</summary>"
                       "<table class=\"small\"><tr><th>value</th><th class=\"n\">rows</th></tr>\n");
        const cJSON *c;
        int i = 0;
        cJSON_ArrayForEach(c, raw) {
            if (i++ >= 100) break;
            la_buf_adds(b, "<tr><td><code>");
            escz(b, c->string);
            la_buf_adds(b, "</code></td><td class=\"n\">");
            add_value(b, c, 0);
            la_buf_adds(b, "</td></tr>\n");
        }
        la_buf_adds(b, "</table></details>\n");
    }
    section_close(b);
}

static void sec_scores(la_buf *b, const cJSON *sum)
{
    section_open(b, "scores", "Queue score histogram");
    const cJSON *h = item(sum, "score_histogram");
    double bins[10];
    int n = 0;
    if (cJSON_IsArray(h) && cJSON_GetArraySize(h) == 10) {
        const cJSON *c;
        cJSON_ArrayForEach(c, h) bins[n++] = cJSON_IsNumber(c) ? c->valuedouble : 0;
    }
    if (n == 10) histogram(b, bins, 10);
    else note(b, "Score histogram: n/a");
    section_close(b);
}

/* Columns of a table over an array of objects: the keys of the first
 * objects, in their order (at most 12). */
static int table_keys(const cJSON *arr, const char **keys, int max)
{
    int nk = 0, rows = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, arr) {
        if (rows++ >= LIST_ROWS) break;
        if (!cJSON_IsObject(o)) continue;
        const cJSON *c;
        cJSON_ArrayForEach(c, o) {
            if (!c->string) continue;
            int k;
            for (k = 0; k < nk; k++) if (!strcmp(keys[k], c->string)) break;
            if (k == nk && nk < max) keys[nk++] = c->string;
        }
    }
    return nk;
}

/* A table of the first rows objects of arr, one column per key. */
static void object_table(la_buf *b, const cJSON *arr, int rows)
{
    const char *keys[12];
    int nk = table_keys(arr, keys, 12);
    if (!nk) { note(b, "n/a"); return; }
    /* numeric columns (judged on the first object) are right-aligned */
    const cJSON *first = arr->child;
    while (first && !cJSON_IsObject(first)) first = first->next;
    la_buf_adds(b, "<table><tr>");
    for (int k = 0; k < nk; k++) {
        la_buf_adds(b, cJSON_IsNumber(item(first, keys[k])) ? "<th class=\"n\">" : "<th>");
        escz(b, keys[k]);
        la_buf_adds(b, "</th>");
    }
    la_buf_adds(b, "</tr>\n");
    const cJSON *o;
    int i = 0;
    cJSON_ArrayForEach(o, arr) {
        if (i++ >= rows) break;
        if (!cJSON_IsObject(o)) continue;
        la_buf_adds(b, "<tr>");
        for (int k = 0; k < nk; k++) {
            const cJSON *v = item(o, keys[k]);
            la_buf_adds(b, cJSON_IsNumber(v) ? "<td class=\"n\">" : "<td>");
            add_value(b, v, 0);
            la_buf_adds(b, "</td>");
        }
        la_buf_adds(b, "</tr>\n");
    }
    la_buf_adds(b, "</table>\n");
}

/* One purity table row, from either summary shape: an offender object
 * ({term, kind, rows, positive, share} or {term, kind, rows, toxic,
 * non_toxic, ..., share_toxic}) whose per-class counts may also come from
 * the "term_purity" object keyed by term. */
typedef struct purity_row {
    const char *term, *kind;
    double rows, pos, neg, share;   /* NAN when unknown */
} purity_row;

static double num_or_nan(const cJSON *o, const char *k)
{
    double x;
    return num(o, k, &x) ? x : NAN;
}

/* Sum of the counts of two classes, NAN when neither is present. */
static double pair_sum(const cJSON *o, const char *a, const char *z)
{
    double x = num_or_nan(o, a), y = num_or_nan(o, z);
    if (isnan(x) && isnan(y)) return NAN;
    return (isnan(x) ? 0 : x) + (isnan(y) ? 0 : y);
}

static purity_row purity_from(const cJSON *o, const cJSON *by_term, const char *term)
{
    purity_row r = { NULL, NULL, NAN, NAN, NAN, NAN };
    const cJSON *t = item(o, "term"), *k = item(o, "kind");
    r.term = cJSON_IsString(t) ? t->valuestring : term;
    r.kind = cJSON_IsString(k) ? k->valuestring : NULL;
    const cJSON *counts = o;
    if (r.term && isnan(pair_sum(o, "toxic", "spam")) && cJSON_IsObject(by_term))
        counts = item(by_term, r.term);
    if (!r.kind) {
        const cJSON *k2 = item(counts, "kind");
        if (cJSON_IsString(k2)) r.kind = k2->valuestring;
    }
    r.rows = num_or_nan(o, "rows");
    r.pos = pair_sum(counts, "toxic", "spam");
    r.neg = pair_sum(counts, "non_toxic", "ham");
    if (isnan(r.pos)) r.pos = num_or_nan(o, "positive");
    r.share = num_or_nan(o, "share_toxic");
    if (isnan(r.share)) r.share = num_or_nan(o, "share");
    if (isnan(r.share) && !isnan(r.pos) && !isnan(r.neg) && r.pos + r.neg > 0)
        r.share = r.pos / (r.pos + r.neg);
    return r;
}

static void purity_table(la_buf *b, const purity_row *rows, int n, const char *pos,
                         const char *neg)
{
    la_buf_printf(b, "<table><tr><th>term</th><th>kind</th><th class=\"n\">rows</th>"
                     "<th class=\"n\">labeled %s</th><th class=\"n\">labeled %s</th>"
                     "<th>share labeled %s</th></tr>\n", pos, neg, pos);
    for (int i = 0; i < n; i++) {
        const purity_row *r = &rows[i];
        la_buf_adds(b, "<tr><td><b>");
        if (r->term) escz(b, r->term); else la_buf_adds(b, "n/a");
        la_buf_adds(b, "</b></td><td>");
        if (r->kind) escz(b, r->kind); else la_buf_adds(b, "n/a");
        la_buf_adds(b, "</td><td class=\"n\">");
        add_num(b, r->rows);
        la_buf_adds(b, "</td><td class=\"n\">");
        add_num(b, r->pos);
        la_buf_adds(b, "</td><td class=\"n\">");
        add_num(b, r->neg);
        la_buf_adds(b, "</td><td>");
        if (!isnan(r->share)) {
            double sh = r->share < 0 ? 0 : r->share > 1 ? 1 : r->share;
            la_buf_printf(b, "<span class=\"meter\"><span style=\"width:%.0f%%\"></span></span> "
                             "%.1f%%", sh * 100, sh * 100);
        } else la_buf_adds(b, "n/a");
        la_buf_adds(b, "</td></tr>\n");
    }
    la_buf_adds(b, "</table>\n");
}

static int cmp_purity_rows(const void *x, const void *y)
{
    const purity_row *a = x, *b = y;
    if (a->rows != b->rows) return a->rows < b->rows ? 1 : -1;
    return strcmp(a->term ? a->term : "", b->term ? b->term : "");
}

static void sec_purity(la_buf *b, const cJSON *sum)
{
    section_open(b, "purity", "Terms the labels keyed on");
    const cJSON *tp = item(sum, "term_purity");
    const cJSON *keyed = item(sum, "keyed_terms");
    const cJSON *offenders = cJSON_IsArray(keyed) ? keyed : cJSON_IsArray(tp) ? tp : NULL;
    const cJSON *by_term = cJSON_IsObject(tp) ? tp : NULL;
    /* a spam dataset says spam/ham, every other one toxic/non-toxic */
    const cJSON *classes = item(item(sum, "labels"), "classes");
    int spam_task = item(classes, "spam") && !item(classes, "toxic");
    const char *pos = spam_task ? "spam" : "toxic", *neg = spam_task ? "ham" : "non-toxic";
    if (!offenders && !by_term) {
        note(b, "Term purity: n/a");
        section_close(b);
        return;
    }
    purity_row rows[PURITY_ROWS];
    int n = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, offenders) {
        if (n >= PURITY_ROWS) break;
        if (cJSON_IsObject(o)) rows[n++] = purity_from(o, by_term, NULL);
    }
    if (n) {
        la_buf_printf(b, "<p class=\"note\">Lexicon terms whose rows are labeled %s almost "
                         "every time, whatever the context: the labelers probably keyed on "
                         "the word. Worst first.</p>\n", pos);
        purity_table(b, rows, n, pos, neg);
    } else {
        la_buf_printf(b, "<p class=\"note\">No lexicon term is labeled %s almost every "
                         "time.</p>\n", pos);
    }
    if (by_term && by_term->child) {
        /* the most frequent terms seen, for context */
        int m = 0;
        purity_row all[PURITY_ROWS];
        cJSON_ArrayForEach(o, by_term) {
            if (!cJSON_IsObject(o) || !o->string) continue;
            purity_row r = purity_from(o, NULL, o->string);
            if (m < PURITY_ROWS) { all[m++] = r; continue; }
            /* replace the least frequent kept row */
            int lo = 0;
            for (int i = 1; i < m; i++) if (cmp_purity_rows(&all[i], &all[lo]) > 0) lo = i;
            if (cmp_purity_rows(&r, &all[lo]) < 0) all[lo] = r;
        }
        qsort(all, (size_t)m, sizeof all[0], cmp_purity_rows);
        la_buf_adds(b, "<details><summary>Most frequent lexicon terms and their labels</summary>\n");
        purity_table(b, all, m, pos, neg);
        la_buf_adds(b, "</details>\n");
    }
    section_close(b);
}

/* A card for a number inside obj, only when the key is present. */
static void card_if(la_buf *b, const char *label, const cJSON *obj, const char *key)
{
    if (item(obj, key)) card(b, label, obj, key, NULL);
}

/* A list of scalars: "5, 3, 2". */
static void scalar_list(la_buf *b, const cJSON *arr, int max)
{
    int i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, arr) {
        if (i >= max) { la_buf_adds(b, ", &hellip;"); break; }
        if (i++) la_buf_adds(b, ", ");
        add_value(b, c, 2);
    }
}

static int all_objects(const cJSON *arr)
{
    const cJSON *c;
    int n = 0;
    cJSON_ArrayForEach(c, arr) {
        if (!cJSON_IsObject(c)) return 0;
        n++;
    }
    return n > 0;
}

static void sec_clusters(la_buf *b, const cJSON *sum)
{
    section_open(b, "clusters", "Duplicate clusters and label conflicts");
    const cJSON *cl = item(sum, "clusters");
    if (!cJSON_IsObject(cl)) {
        note(b, "Duplicate figures: n/a");
        section_close(b);
        return;
    }
    la_buf_adds(b, "<div class=\"cards\">");
    card(b, "clusters", cl, "clusters", NULL);
    card(b, "with conflicting labels", cl, "conflicts", NULL);
    card_if(b, "rows in clusters", cl, "rows_in_clusters");
    card_if(b, "rows in conflict", cl, "conflict_rows");
    card_if(b, "exact duplicates", cl, "exact_duplicates");
    card_if(b, "near duplicates", cl, "near_duplicates");
    card_if(b, "negation pairs (not conflicts)", cl, "contrast_pairs");
    la_buf_adds(b, "</div>\n");
    const cJSON *sizes = item(cl, "sizes");
    if (cJSON_IsObject(sizes) && sizes->child)
        key_count_table(b, "Clusters by size", "<th class=\"n\">rows in cluster</th>",
                        "clusters", "<td class=\"n\">", sizes);
    const cJSON *largest = item(cl, "largest");
    if (cJSON_IsArray(largest) && largest->child) {
        if (all_objects(largest)) {
            la_buf_adds(b, "<h3>Largest clusters</h3>\n");
            object_table(b, largest, LIST_ROWS);
        } else {
            la_buf_adds(b, "<p>Largest clusters (rows): ");
            scalar_list(b, largest, LIST_ROWS);
            la_buf_adds(b, "</p>\n");
        }
    }
    section_close(b);
}

static void sec_agreement(la_buf *b, const cJSON *sum)
{
    section_open(b, "agreement", "Annotator agreement");
    const cJSON *ag = item(sum, "agreement");
    double rows = NAN;
    num(ag, "rows_with_judgments", &rows);
    if (!cJSON_IsObject(ag) || !ag->child || rows == 0) {
        note(b, "No per-annotator judgments in this dataset: agreement figures n/a.");
        section_close(b);
        return;
    }
    la_buf_adds(b, "<div class=\"cards\">");
    card(b, "Krippendorff&rsquo;s alpha", ag, "alpha", NULL);
    card(b, "observed agreement", ag, "observed_agreement", NULL);
    card(b, "rows with judgments", ag, "rows_with_judgments", NULL);
    card(b, "low agreement", ag, "low_agreement", NULL);
    card(b, "label not the majority", ag, "not_majority", NULL);
    card_if(b, "annotators", ag, "annotators");
    la_buf_adds(b, "</div>\n");
    const cJSON *ds = item(ag, "dawid_skene");
    if (cJSON_IsObject(ds)) {
        la_buf_adds(b, "<p class=\"meta\">Dawid&ndash;Skene: ");
        add_num_or_na(b, ds, "iterations");
        const cJSON *cv = item(ds, "converged");
        la_buf_adds(b, " iterations, ");
        la_buf_adds(b, cJSON_IsTrue(cv) ? "converged" : cJSON_IsFalse(cv) ? "not converged" : "n/a");
        la_buf_adds(b, "</p>\n");
    }
    const cJSON *out = item(ag, "outliers");
    if (cJSON_IsArray(out)) {
        la_buf_adds(b, "<h3>Outlier annotators</h3>\n");
        if (!out->child) note(b, "None.");
        else if (all_objects(out)) object_table(b, out, LIST_ROWS);
        else { la_buf_adds(b, "<p>"); scalar_list(b, out, 50); la_buf_adds(b, "</p>\n"); }
    }
    const cJSON *top = item(ag, "top_annotators");
    if (all_objects(top)) {
        la_buf_adds(b, "<h3>Annotators with the most judgments</h3>\n");
        object_table(b, top, LIST_ROWS);
    }
    section_close(b);
}

/* ---- queue rows --------------------------------------------------------------------- */

/* A CSS class for an evidence kind: the kinds the stylesheet colours, or
 * "other". */
static const char *mark_class(const char *kind)
{
    static const char *const known[] = {
        "profanity", "slur", "insult", "threat", "dehumanizing", "identity",
        "positive", "negation", "reporting", "second_person", "target", "url",
        "spam_phrase"
    };
    if (kind)
        for (size_t i = 0; i < LA_ARRAY_LEN(known); i++)
            if (!strcmp(kind, known[i])) return known[i];
    return "other";
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int is_cont(const unsigned char *u, size_t i)
{
    return (u[i] & 0xC0) == 0x80;
}

/* The text with every evidence span inside <mark>. Span ends are
 * clipped to the shown length and widened to whole UTF-8 sequences; the
 * text is cut into segments at every span boundary and each covered
 * segment is marked with the kind of the first span covering it. */
static void marked_text(la_buf *b, const la_result *r)
{
    const unsigned char *u = (const unsigned char *)r->text;
    size_t n = r->text ? r->text_len : 0, shown = n;
    if (shown > SHOW_TEXT_MAX) {
        shown = SHOW_TEXT_MAX;
        while (shown > 0 && is_cont(u, shown)) shown--;
    }
    int nev = r->nev < LA_MAX_EVIDENCE ? r->nev : LA_MAX_EVIDENCE;
    uint32_t s[LA_MAX_EVIDENCE], e[LA_MAX_EVIDENCE], cut[2 * LA_MAX_EVIDENCE + 2];
    int ns = 0, nc = 0;
    for (int i = 0; i < nev; i++) {
        size_t a = r->ev[i].start, z = r->ev[i].end;
        if (z > shown) z = shown;
        if (a >= z) { s[i] = e[i] = 0; continue; }
        while (a > 0 && is_cont(u, a)) a--;
        while (z < shown && is_cont(u, z)) z++;
        s[i] = (uint32_t)a;
        e[i] = (uint32_t)z;
        cut[nc++] = s[i];
        cut[nc++] = e[i];
        ns++;
    }
    cut[nc++] = 0;
    cut[nc++] = (uint32_t)shown;
    qsort(cut, (size_t)nc, sizeof cut[0], cmp_u32);
    for (int k = 0; k + 1 < nc; k++) {
        uint32_t a = cut[k], z = cut[k + 1];
        if (a == z) continue;
        int cover = -1, ncover = 0;
        for (int i = 0; ns && i < nev; i++)
            if (s[i] < e[i] && s[i] <= a && z <= e[i]) {
                if (cover < 0) cover = i;
                ncover++;
            }
        if (cover < 0) { esc_shown(b, r->text + a, z - a); continue; }
        la_buf_printf(b, "<mark class=\"%s\" title=\"", mark_class(r->ev[cover].kind));
        int first = 1;
        for (int i = 0; i < nev; i++)
            if (s[i] < e[i] && s[i] <= a && z <= e[i]) {
                if (!first) la_buf_adds(b, "; ");
                first = 0;
                escz(b, r->ev[i].kind ? r->ev[i].kind : "evidence");
                if (r->ev[i].category) { la_buf_adds(b, ", "); escz(b, r->ev[i].category); }
                if (r->ev[i].severity) { la_buf_adds(b, ", "); escz(b, r->ev[i].severity); }
            }
        la_buf_adds(b, "\">");
        esc_shown(b, r->text + a, z - a);
        la_buf_adds(b, "</mark>");
    }
    if (shown < n)
        la_buf_printf(b, "<span class=\"cut\">&hellip; (%zu more bytes)</span>", n - shown);
}

static void add_class_tag(la_buf *b, la_class c, const char *fallback)
{
    const char *name = la_class_name(c);
    if (name) la_buf_printf(b, "<span class=\"cls %s\">%s</span>", name, name);
    else la_buf_adds(b, fallback);
}

/* The highlight colours of the evidence kinds, as the CSS gives them. */
static void mark_legend(la_buf *b)
{
    static const char *const kinds[][2] = {
        { "profanity", "profanity" }, { "slur", "slur, threat, dehumanizing" },
        { "insult", "insult" }, { "identity", "identity term" },
        { "positive", "positive words" }, { "negation", "negation, reporting" },
        { "url", "link, spam phrase" }, { "target", "target, second person" },
        { "other", "other evidence" }
    };
    la_buf_adds(b, "<p class=\"legend\">Highlights:");
    for (size_t i = 0; i < LA_ARRAY_LEN(kinds); i++)
        la_buf_printf(b, " <mark class=\"%s\">%s</mark>", kinds[i][0], kinds[i][1]);
    la_buf_adds(b, " &middot; hover a highlight for its kind, category and severity</p>\n");
}

static void sec_queue(la_buf *b, const cJSON *sum, const la_result *const *top, size_t ntop)
{
    section_open(b, "queue", "Top of the review queue");
    if (!ntop) {
        note(b, "No queue rows: n/a");
        section_close(b);
        return;
    }
    double flagged = NAN;
    num(sum, "rows_flagged", &flagged);
    la_buf_adds(b, "<p class=\"meta\">Top ");
    add_int(b, (double)ntop);
    la_buf_adds(b, " of ");
    if (isfinite(flagged)) add_int(b, flagged); else la_buf_adds(b, "n/a");
    la_buf_adds(b, " flagged rows shown, most likely wrong first.</p>\n");
    mark_legend(b);
    la_buf_adds(b, "<table class=\"queue\"><tr><th class=\"n\">Rank</th><th>Row (id, line)</th>"
                   "<th>Given label &rarr; suggestion</th><th>Probability the label is wrong</th>"
                   "<th>Why it was flagged</th><th>Text, evidence highlighted</th></tr>\n");
    for (size_t i = 0; i < ntop; i++) {
        const la_result *r = top[i];
        if (!r) continue;
        la_buf_printf(b, "<tr><td class=\"n\">%zu</td><td><code>", i + 1);
        if (r->id) esc(b, r->id, r->id_len); else la_buf_adds(b, "n/a");
        la_buf_printf(b, "</code><div class=\"sub\">line %llu</div></td><td>",
                      (unsigned long long)r->line);
        if (la_class_name(r->label_class)) add_class_tag(b, r->label_class, "");
        else if (r->label_json) {
            la_buf_adds(b, "<code>");
            esc(b, r->label_json, r->label_json_len);
            la_buf_adds(b, "</code>");
        } else la_buf_adds(b, "n/a");
        if (la_class_name(r->suggested)) {
            la_buf_adds(b, " &rarr; ");
            add_class_tag(b, r->suggested, "");
        }
        double sc = isfinite(r->score) ? r->score : 0;
        if (sc < 0) sc = 0;
        if (sc > 1) sc = 1;
        la_buf_printf(b, "</td><td class=\"score\"><span class=\"meter\"><span style=\"width:%.0f%%\">"
                         "</span></span> ", sc * 100);
        la_buf_add_score(b, r->score);
        la_buf_adds(b, "</td><td>");
        for (int f = 0; f < r->nfind && f < LA_MAX_FINDINGS; f++) {
            const char *code = la_reason_name(r->find[f].code);
            la_buf_adds(b, "<div class=\"why\"><span class=\"code\">");
            escz(b, code ? code : "?");
            la_buf_adds(b, "</span> ");
            esc(b, r->find[f].why, strnlen(r->find[f].why, LA_WHY_MAX));
            la_buf_adds(b, "</div>");
        }
        if (r->cluster.has_cluster) {
            la_buf_printf(b, "<div class=\"sub\">cluster %llu, first row <code>",
                          (unsigned long long)r->cluster.id);
            if (r->cluster.of) esc(b, r->cluster.of, r->cluster.of_len);
            la_buf_adds(b, "</code>, similarity ");
            la_buf_add_score(b, r->cluster.similarity);
            la_buf_adds(b, "</div>");
        }
        if (r->agreement.n > 0) {
            la_buf_printf(b, "<div class=\"sub\">%d judgments, majority ", r->agreement.n);
            const char *m = la_class_name(r->agreement.majority);
            la_buf_adds(b, m ? m : "tied");
            la_buf_adds(b, " (");
            la_buf_add_score(b, r->agreement.share);
            la_buf_adds(b, ")</div>");
        }
        la_buf_adds(b, "</td><td class=\"text\">");
        marked_text(b, r);
        la_buf_adds(b, "</td></tr>\n");
    }
    la_buf_adds(b, "</table>\n");
    section_close(b);
}

/* ---- review outcome ------------------------------------------------------------- */

/* What reviewers decided on an earlier queue of this data (the table of
 * `labelaudit apply --calibration`, given to this audit with
 * --calibration): per reason, rows reviewed, confirmed and the precision. */
static void sec_review(la_buf *b, const la_calibration *cal)
{
    if (!cal) return;
    section_open(b, "review", "Review outcome");
    cJSON *j = la_calibration_json(cal);
    double rv = 0, cf = 0;
    num(j, "reviewed", &rv);
    num(j, "confirmed", &cf);
    la_buf_adds(b, "<p class=\"meta\">Reviewers confirmed ");
    add_int(b, cf);
    la_buf_adds(b, " of ");
    add_int(b, rv);
    la_buf_adds(b, " reviewed rows (");
    add_pct(b, cf, rv);
    la_buf_adds(b, "): relabeled or removed. Precision per reason is the share of its "
                   "reviewed rows that reviewers confirmed.</p>\n");
    la_buf_adds(b, "<table class=\"small\"><tr><th>reason</th><th class=\"n\">reviewed</th>"
                   "<th class=\"n\">confirmed</th><th class=\"n\">precision</th></tr>\n");
    const cJSON *x;
    cJSON_ArrayForEach(x, item(j, "reasons")) {
        double a = 0, c = 0;
        num(x, "reviewed", &a);
        num(x, "confirmed", &c);
        la_buf_adds(b, "<tr><td><span class=\"code\">");
        escz(b, x->string);
        la_buf_adds(b, "</span></td><td class=\"n\">");
        add_int(b, a);
        la_buf_adds(b, "</td><td class=\"n\">");
        add_int(b, c);
        la_buf_adds(b, "</td><td class=\"n\">");
        add_pct(b, c, a);
        la_buf_adds(b, "</td></tr>\n");
    }
    la_buf_adds(b, "</table>\n");
    const cJSON *labs = item(j, "labelers");
    if (cJSON_GetArraySize(labs) > 0) {
        la_buf_adds(b, "<table class=\"small\"><caption>Labelers overturned most</caption>"
                       "<tr><th>labeler</th><th class=\"n\">overturned</th>"
                       "<th class=\"n\">reviewed</th></tr>\n");
        int k = 0;
        cJSON_ArrayForEach(x, labs) {
            double o = 0, a = 0;
            num(x, "overturned", &o);
            num(x, "reviewed", &a);
            if (o <= 0 || k++ >= LIST_ROWS) continue;
            const cJSON *name = item(x, "labeler");
            la_buf_adds(b, "<tr><td>");
            escz(b, cJSON_IsString(name) ? name->valuestring : "n/a");
            la_buf_adds(b, "</td><td class=\"n\">");
            add_int(b, o);
            la_buf_adds(b, "</td><td class=\"n\">");
            add_int(b, a);
            la_buf_adds(b, "</td></tr>\n");
        }
        la_buf_adds(b, "</table>\n");
    }
    cJSON_Delete(j);
    section_close(b);
}

/* ---- page ----------------------------------------------------------------------- */

static const char css[] =
    ":root{--fg:#1d2330;--muted:#5d6778;--line:#e3e7ee;--bg:#f6f7f9;--card:#fff;"
    "--s0:#5b7cc4;--s1:#3aa37a;--accent:#2f5fb3}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:var(--bg);color:var(--fg);"
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif}"
    "header{background:#1f2a44;color:#fff;padding:22px 32px}"
    "header h1{margin:0;font-size:24px;font-weight:600}"
    "header p{margin:4px 0 0;color:#c5cde0}"
    "main{max-width:1180px;margin:0 auto;padding:12px 24px 40px}"
    "nav{margin:14px 0 4px;font-size:14px}nav a{color:var(--accent);margin-right:14px;"
    "text-decoration:none}"
    "section{background:var(--card);border:1px solid var(--line);border-radius:8px;"
    "padding:16px 22px;margin:16px 0}"
    "h2{font-size:18px;margin:0 0 12px}h3{font-size:15px;margin:18px 0 8px}"
    ".cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:8px}"
    ".card{border:1px solid var(--line);border-radius:6px;padding:10px 16px;min-width:150px}"
    ".card .k{color:var(--muted);font-size:13px}.card .v{font-size:24px;font-weight:600}"
    ".card .x{color:var(--muted);font-size:12px}"
    ".meta,.note{color:var(--muted);font-size:13px}"
    "table{border-collapse:collapse;width:100%;font-size:14px;margin:6px 0}"
    "table.small{width:auto;min-width:320px}"
    "caption{text-align:left;color:var(--muted);font-size:13px;padding-bottom:4px}"
    "th,td{border-bottom:1px solid var(--line);padding:6px 10px;text-align:left;vertical-align:top}"
    "th{font-weight:600;color:var(--muted);font-size:13px;background:#fafbfc}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".chart{max-width:100%;height:auto;display:block}"
    ".chart text{font:12px system-ui,'DejaVu Sans',sans-serif;fill:var(--fg)}"
    ".chart .val{fill:var(--muted)}.chart .axis{stroke:#b8c0cc}"
    ".s0{fill:var(--s0);background:var(--s0)}.s1{fill:var(--s1);background:var(--s1)}"
    ".legend{font-size:13px;color:var(--muted);margin-bottom:6px}"
    ".sw{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 4px 0 10px;"
    "vertical-align:-1px}"
    ".meter{display:inline-block;width:70px;height:8px;background:#e8ebf0;border-radius:4px;"
    "vertical-align:1px;overflow:hidden}.meter span{display:block;height:100%;"
    "background:#d0553f}"
    "td.score,.queue code{white-space:nowrap}"
    ".queue td.text{white-space:pre-wrap;word-break:break-word;width:42%}"
    ".why{margin-bottom:4px}.code{font:600 11px ui-monospace,'DejaVu Sans Mono',monospace;"
    "background:#eef1f7;border:1px solid #d8deea;border-radius:3px;padding:1px 4px}"
    ".sub{color:var(--muted);font-size:12px}"
    ".cls{font-size:12px;border-radius:3px;padding:1px 5px;background:#eceff4}"
    ".cls.toxic,.cls.spam{background:#fbe3df;color:#8a2a1a}"
    ".cls.non_toxic,.cls.ham{background:#dff3ea;color:#1f6b4a}"
    "mark{border-radius:2px;padding:0 1px;background:#ffe58a}"
    "mark.profanity{background:#ffd38a}mark.slur,mark.threat,mark.dehumanizing"
    "{background:#ffb3a8}mark.insult{background:#ffc9b0}mark.identity{background:#cfe0ff}"
    "mark.positive{background:#c9efd5}mark.negation,mark.reporting{background:#e3d9ff}"
    "mark.url,mark.spam_phrase{background:#f3d4f0}"
    "mark.target,mark.second_person{background:#e4e8ee}"
    ".cut{color:var(--muted);font-size:12px}"
    ".run{margin:10px 0 0;font-size:13px;color:var(--muted)}.run b{color:var(--fg);font-weight:600}"
    ".legend mark{margin:0 2px}"
    "mark.other{background:#e6e6e6}"
    "code{font:13px ui-monospace,'DejaVu Sans Mono',monospace}"
    "details summary{cursor:pointer;color:var(--accent);font-size:14px;margin-top:8px}"
    "footer{color:var(--muted);font-size:12px;text-align:center;padding:10px}";

/* The page head up to <main>: the policy that forbids any request, the
 * CSS, and a header with title and subtitle (HTML, already escaped). */
static void page_open(la_buf *b, const char *title, const char *subtitle_html)
{
    la_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   /* the page may load nothing: a browser blocks (and logs)
                    * any request, which tests/report/render.sh catches */
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                   "form-action 'none'\">\n<title>");
    la_buf_adds(b, title);
    la_buf_adds(b, "</title>\n<style>");
    la_buf_adds(b, css);
    la_buf_adds(b, "</style>\n</head>\n<body>\n<header><h1>");
    la_buf_adds(b, title);
    la_buf_adds(b, "</h1><p>");
    la_buf_adds(b, subtitle_html);
    la_buf_adds(b, "</p></header>\n<main>\n");
}

/* Closes the page and writes it with one fwrite. */
static int page_close_write(la_buf *b, FILE *out)
{
    la_buf_adds(b, "</main>\n<footer>Generated by labelaudit " LA_VERSION
                   ". Offsets and counts are those of the queue and summary files.</footer>\n"
                   "</body>\n</html>\n");
    size_t w = fwrite(b->p, 1, b->len, out);
    return (w != b->len || fflush(out) != 0 || ferror(out)) ? LA_EIO : LA_OK;
}

/* The run the report describes: dataset, date (UTC; SOURCE_DATE_EPOCH
 * when set, so a build can reproduce a page), command line, version. */
static void run_line(la_buf *b, const la_report_info *info)
{
    la_buf_adds(b, "<p class=\"run\"><b>Dataset</b> ");
    escz(b, info && info->dataset ? info->dataset : "n/a");
    time_t t = time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) t = (time_t)strtoll(sde, NULL, 10);
    struct tm tm;
    char date[40] = "n/a";
    if (gmtime_r(&t, &tm)) strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", &tm);
    la_buf_printf(b, " &middot; <b>Date</b> %s &middot; <b>Version</b> labelaudit " LA_VERSION
                     "</p>\n", date);
    if (info && info->command_line) {
        la_buf_adds(b, "<p class=\"run\"><b>Command</b> <code>");
        escz(b, info->command_line);
        la_buf_adds(b, "</code></p>\n");
    }
}

int la_report_write(FILE *out, const struct cJSON *summary, const la_report_info *info,
                    const la_result *const *top, size_t ntop)
{
    const cJSON *sum = cJSON_IsObject(summary) ? summary : NULL;
    la_buf b, sub;
    la_buf_init(&b);
    la_buf_init(&sub);
    add_num_or_na(&sub, sum, "rows_flagged");
    la_buf_adds(&sub, " of ");
    add_num_or_na(&sub, sum, "rows_audited");
    la_buf_adds(&sub, " audited rows flagged for review");
    page_open(&b, "labelaudit report", sub.p);
    la_buf_free(&sub);
    run_line(&b, info);
    la_buf_adds(&b, "<nav><a href=\"#overview\">Overview</a>"
                    "<a href=\"#reasons\">Reasons</a><a href=\"#labels\">Labels</a>"
                    "<a href=\"#scores\">Scores</a><a href=\"#purity\">Term purity</a>"
                    "<a href=\"#clusters\">Duplicates</a><a href=\"#agreement\">Agreement</a>"
                    "<a href=\"#queue\">Queue</a></nav>\n");
    sec_overview(&b, sum);
    sec_reasons(&b, sum);
    sec_labels(&b, sum);
    sec_scores(&b, sum);
    sec_purity(&b, sum);
    sec_clusters(&b, sum);
    sec_agreement(&b, sum);
    sec_review(&b, info ? info->calibration : NULL);
    sec_queue(&b, sum, top, ntop);
    int rc = page_close_write(&b, out);
    la_buf_free(&b);
    return rc;
}

/* ---- before and after (labelaudit diff) ------------------------------------------- */

static void diff_row(const char *name, double x, double y, void *ud)
{
    la_buf *b = ud;
    la_buf_adds(b, "<tr><td>");
    /* the row counts read as words ("rows_read" -> "rows read") */
    if (la_reason_parse(name, strlen(name)) >= 0 || strncmp(name, "rows_", 5) != 0) {
        escz(b, name);                       /* reason codes and label values as they are */
    } else {
        la_buf_adds(b, "rows ");
        escz(b, name + 5);
    }
    la_buf_adds(b, "</td><td class=\"n\">");
    add_int(b, x);
    la_buf_adds(b, "</td><td class=\"n\">");
    add_int(b, y);
    la_buf_printf(b, "</td><td class=\"n\">%s", y > x ? "+" : "");
    add_int(b, y - x);
    la_buf_adds(b, "</td></tr>\n");
}

static void diff_table(la_buf *b, const char *caption, const cJSON *x, const cJSON *y,
                       const char *path)
{
    la_buf_adds(b, "<table class=\"small\"><caption>");
    escz(b, caption);
    la_buf_adds(b, "</caption><tr><th></th><th class=\"n\">before</th><th class=\"n\">after</th>"
                   "<th class=\"n\">change</th></tr>\n");
    if (path) la_diff_rows(x, y, path, diff_row, b);
    else {
        static const char *const rows[] = { "rows_read", "rows_audited", "rows_rejected",
                                            "rows_flagged" };
        for (size_t i = 0; i < LA_ARRAY_LEN(rows); i++) {
            double u = 0, v = 0;
            num(x, rows[i], &u);
            num(y, rows[i], &v);
            diff_row(rows[i], u, v, b);
        }
    }
    la_buf_adds(b, "</table>\n");
}

static void diff_term(const char *term, int in_before, int in_after, void *ud)
{
    la_buf *b = ud;
    la_buf_adds(b, "<tr><td>");
    escz(b, term);
    la_buf_adds(b, "</td><td>");
    la_buf_adds(b, in_before && in_after ? "still keyed" : in_before ? "gone" : "new");
    la_buf_adds(b, "</td></tr>\n");
}

static void sec_diff(la_buf *b, const cJSON *x, const cJSON *y)
{
    section_open(b, "diff", "Before and after");
    diff_table(b, "Rows", x, y, NULL);
    diff_table(b, "Rows per reason", x, y, "reasons");
    diff_table(b, "Rows per label value", x, y, "labels.raw");
    diff_table(b, "Rows per label class", x, y, "labels.classes");
    la_buf_adds(b, "<table class=\"small\"><caption>Annotator agreement</caption><tr><th></th>"
                   "<th class=\"n\">before</th><th class=\"n\">after</th></tr>\n");
    static const char *const ag[][2] = { { "alpha", "Krippendorff's alpha" },
                                         { "observed_agreement", "observed agreement" },
                                         { "not_majority", "rows not with the majority" } };
    for (size_t i = 0; i < LA_ARRAY_LEN(ag); i++) {
        la_buf_adds(b, "<tr><td>");
        la_buf_adds(b, ag[i][1]);
        la_buf_adds(b, "</td><td class=\"n\">");
        add_num_or_na(b, item(x, "agreement"), ag[i][0]);
        la_buf_adds(b, "</td><td class=\"n\">");
        add_num_or_na(b, item(y, "agreement"), ag[i][0]);
        la_buf_adds(b, "</td></tr>\n");
    }
    la_buf_adds(b, "</table>\n");
    if (!cJSON_GetArraySize(item(x, "keyed_terms")) && !cJSON_GetArraySize(item(y, "keyed_terms"))) {
        note(b, "No keyed terms (labeled toxic or spam almost every time), before or after.");
    } else {
        la_buf_adds(b, "<table class=\"small\"><caption>Keyed terms (labeled toxic or spam "
                       "almost every time)</caption><tr><th>term</th><th>change</th></tr>\n");
        la_diff_terms(x, y, diff_term, b);
        la_buf_adds(b, "</table>\n");
    }
    section_close(b);
}

int la_report_write_diff(FILE *out, const struct cJSON *before, const struct cJSON *after,
                         const char *before_name, const char *after_name)
{
    la_buf b, sub;
    la_buf_init(&b);
    la_buf_init(&sub);
    escz(&sub, before_name);
    la_buf_adds(&sub, " &rarr; ");
    escz(&sub, after_name);
    la_buf_adds(&sub, " &middot; labelaudit " LA_VERSION);
    page_open(&b, "labelaudit: before and after", sub.p);
    la_buf_free(&sub);
    sec_diff(&b, cJSON_IsObject(before) ? before : NULL, cJSON_IsObject(after) ? after : NULL);
    int rc = page_close_write(&b, out);
    la_buf_free(&b);
    return rc;
}
