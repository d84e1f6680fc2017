/*
 * main.c - the labelaudit command line. It parses options into a
 * la_options, opens the inputs, and drives the embeddable API of
 * labelaudit.h (it uses nothing else): an auditor fed file by file, a
 * writer for the queue (stdout, or -o FILE through the same safe outputs
 * as every report), and --explain. Every output path is checked against
 * the others and the inputs before the first row is read. `shard` and
 * `merge` take the same options: shard audits into a shard file
 * (la_options.shard_path) instead of a queue, and merge feeds the shard
 * files to la_auditor_merge instead of reading inputs.
 *
 * Exit statuses are named below and documented in the README and the man
 * page. stdout carries only the queue; everything else goes to stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "labelaudit.h"

enum {
    EXIT_AUDITED = 0,   /* every line audited */
    EXIT_REJECTS = 1,   /* finished, but some lines were rejected */
    EXIT_USAGE = 2,     /* usage error */
    EXIT_RESOURCE = 3,  /* a lexicon or dictionary could not be loaded */
    EXIT_IO = 4         /* read or write error */
};

static la_auditor *running;   /* for the signal handler only */
static volatile sig_atomic_t got_signal;

/* SIGINT/SIGTERM: stop reading; the lines read so far are finished, the
 * queue flushed (whole lines only), --summary/--rejects/--report written,
 * and then the process ends by the same signal (status 130/143 in a
 * shell). A second signal ends it at once. */
static void on_signal(int sig)
{
    if (got_signal) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    got_signal = sig;
    if (running) la_auditor_interrupt(running);
}

/* Installs on_signal for sig, unless sig was ignored when we started (a
 * background job of a non-interactive shell, nohup): it stays ignored. */
static void catch_signal(int sig)
{
    struct sigaction sa, old;
    if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN) return;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;   /* queue writes restart; reads poll (auditor.c) */
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static const char usage_text[] =
"Usage: labelaudit [OPTIONS] [FILE...]\n"
"       labelaudit apply --decisions FILE --output FILE DATASET   (see apply --help)\n"
"       labelaudit diff [--html FILE] BEFORE.json AFTER.json        (see diff --help)\n"
"       labelaudit shard --part K/N -o SHARD [OPTIONS] FILE...\n"
"       labelaudit merge [OPTIONS] SHARD...\n"
"Audits a labeled text dataset (JSON Lines, CSV, TSV or a JSON array, plain\n"
"or gzip/zstd; files or stdin '-') and writes a\n"
"review queue of rows whose label is probably wrong, one JSON object per line.\n"
"\n"
"Input (files are read as JSON Lines, CSV or TSV with a header, or one JSON\n"
"array of objects, plain or gzip/zstd compressed, told apart by their first\n"
"bytes and names):\n"
"      --input-format FMT      auto, jsonl, csv, tsv or json (default: auto)\n"
"\n"
"Input fields (dotted paths reach nested objects; CSV/TSV columns by name):\n"
"      --text PATH             text field (default: text)\n"
"      --label PATH            label field (default: label)\n"
"      --label-columns COLS    several 0/1 label columns instead (multi-label\n"
"                              data, e.g. toxic,severe_toxic,obscene,insult)\n"
"      --label-rule RULE       with --label-columns, what makes a row toxic: any\n"
"                              column set, all of them, or a comma list of the\n"
"                              columns that count (default: any)\n"
"      --label-threshold X     soft labels: the label is a number, toxic at or\n"
"                              above X; rows within 0.1 of X say so\n"
"      --id PATH               id field (default: id; absent: the line number)\n"
"      --annotations PATH      per-annotator labels: an array of labels or of\n"
"                              {annotator, label} objects (default: annotations)\n"
"      --annotators PATH       parallel array of rater ids (default: annotators)\n"
"      --annotator-key KEY     rater key in annotation objects (default: annotator)\n"
"      --annotation-label-key KEY  label key in annotation objects (default: label)\n"
"      --votes COLS            vote-count columns, e.g. votes.hate,votes.neither,\n"
"                              or one object of counts, e.g. votes\n"
"      --vote-classes CLASSES  class of each vote column (default: from the names)\n"
"      --context-fields PATHS  fields shown to reviewers next to the text in\n"
"                              the csv, label-studio, argilla and prodigy\n"
"                              formats, e.g. prev_turn (comma list)\n"
"\n"
"Labels:\n"
"      --toxic-values LIST     values meaning toxic (replaces the built-in table)\n"
"      --clean-values LIST     values meaning non_toxic\n"
"      --spam-values LIST      values meaning spam\n"
"      --ham-values LIST       values meaning ham\n"
"      --task TASK             auto, toxicity or spam (default: auto, per row\n"
"                              from the class of its label)\n"
"\n"
"Lexicons and dictionary:\n"
"      --lexicons DIR          load every *.tsv in DIR instead of the built-in set\n"
"      --lexicon FILE          add a lexicon file (repeatable)\n"
"      --dict PATH             hunspell dictionary base path, without .aff/.dic\n"
"                              (default: the system en_US; absent: a warning)\n"
"      --explain               show normalization, tokens and lexicon matches of\n"
"                              each TEXT argument (or each stdin line)\n"
"      --json                  with --explain: one JSON object per text\n"
"\n"
"Detectors:\n"
"      --no-evidence-reason    do not emit NO_EVIDENCE (toxic label, no evidence)\n"
"\n"
"Duplicates:\n"
"      --no-near-dups          exact duplicates only (saves time and memory)\n"
"      --dup-keep LIST         what counts in the duplicate key: any of urls,\n"
"                              mentions, punct, emoji (default: none of them)\n"
"      --shingle N             word shingle size (default: 0, automatic)\n"
"      --minhash N             MinHash values per row (default: 64)\n"
"      --bands N               LSH bands (default: 16)\n"
"      --near-threshold X      Jaccard similarity for near duplicates (default: 0.7)\n"
"\n"
"Agreement:\n"
"      --low-agreement X       flag rows whose majority share is below X (default: 0.6)\n"
"      --ds-iterations N       Dawid-Skene EM iterations at most (default: 50)\n"
"      --annotator-report FILE per-annotator figures, one JSON line each\n"
"\n"
"Evidence (the queue is delivered at the end of the stream, where every\n"
"finding is weighed by how reliable its kind proved on this dataset):\n"
"      --learn                 always fit the in-dataset classifier\n"
"      --no-learn              never fit it\n"
"                              (default: fit it when every class has --learn-min rows)\n"
"      --folds N               cross-fitting folds (default: 5)\n"
"      --learn-min N           labeled rows per class needed in auto mode (default: 50)\n"
"      --scores FIELD          an outside probability per row (a team's model, an\n"
"                              LLM judge) of the toxic or spam class, in [0,1]\n"
"      --seed N                seed for folds and hashing (default: 1)\n"
"\n"
"Queue:\n"
"      --sort                  rank by score, ties in input order (buffers flagged rows)\n"
"      --top K                 keep the K highest-scoring rows\n"
"      --min-score S           keep rows whose label is wrong with probability at\n"
"                              least S (default: more likely wrong than right,\n"
"                              P > 0.5)\n"
"      --removals              also queue rows to remove rather than relabel:\n"
"                              spam, junk and duplicate copies (\"remove\": true)\n"
"      --raw-findings          queue every row the detectors flagged, scored by\n"
"                              their own rules, without weighing the evidence\n"
"                              (to check the rules on a few rows)\n"
"      --reasons CODES         keep only these reason codes (comma list), whatever\n"
"                              their score unless --min-score is given\n"
"      --format FMT            jsonl, csv, label-studio, argilla or prodigy\n"
"                              (default: jsonl)\n"
"      --calibration FILE      the audit's precision as reviewers measured it\n"
"                              (written by 'labelaudit apply --calibration')\n"
"      --ls-config FILE        write the Label Studio labeling config that\n"
"                              matches the queue (its evidence kinds and the\n"
"                              dataset's label values)\n"
"\n"
"Reports (every output is replaced atomically when it is a regular file,\n"
"written in place when it is a pipe or device; '-' is stdout, for one\n"
"output only; an output may not be an input or another output):\n"
"  -o, --output FILE           write the queue to FILE (default: stdout)\n"
"      --summary FILE          write the summary JSON\n"
"      --stage-times           add \"stages\" to the summary: nanoseconds per row\n"
"                              in each stage (parse, normalize, ...; make bench)\n"
"      --rejects FILE          write rejected lines byte for byte\n"
"      --report FILE           write a self-contained HTML report\n"
"\n"
"Execution:\n"
"      --max-line-bytes N      reject longer lines (default: 67108864)\n"
"  -j, --threads N             worker threads (default: online cores)\n"
"      --memory SIZE           memory for the per-row state kept for the end of\n"
"                              the stream (kept rows, classifier features);\n"
"                              beyond it that state goes to temporary files\n"
"                              (default: 1G; suffixes K, M, G)\n"
"      --tmpdir DIR            folder for those files (default: $TMPDIR, else\n"
"                              /tmp); they are unlinked as soon as created\n"
"  -q, --quiet                 no summary on stderr\n"
"      --part K/N              with 'shard': analyze rows i with i % N == K-1\n"
"      --progress              progress line on stderr (default: when a terminal)\n"
"      --no-progress           no progress line\n"
"  -h, --help                  this help\n"
"  -V, --version               version and library versions\n"
"\n"
"Sharded runs: 'labelaudit shard --part K/N -o SHARD [OPTIONS] FILE...' reads\n"
"every FILE, analyzes part K of N of the rows and writes them to SHARD;\n"
"'labelaudit merge [OPTIONS] SHARD...' takes the N shards back and writes the\n"
"queue, summary and report of 'labelaudit [OPTIONS] FILE...', the same bytes.\n"
"Give both steps the same audit options (the shard files check it).\n"
"\n"
"Exit status: 0 all lines audited, 1 some lines rejected, 2 usage error,\n"
"3 lexicon or dictionary not loaded, 4 read or write error; 130/143 when\n"
"interrupted by SIGINT/SIGTERM (the summary of the rows read is written).\n";

enum {
    OPT_TEXT = 256, OPT_LABEL, OPT_ID, OPT_ANNOTATIONS, OPT_ANNOTATORS,
    OPT_ANNOTATOR_KEY, OPT_ANNOTATION_LABEL_KEY, OPT_VOTES, OPT_VOTE_CLASSES,
    OPT_TOXIC, OPT_CLEAN, OPT_SPAM, OPT_HAM, OPT_TASK, OPT_LEXICONS, OPT_LEXICON,
    OPT_DICT, OPT_EXPLAIN, OPT_JSON, OPT_NO_EVIDENCE, OPT_NO_NEAR, OPT_DUP_KEEP,
    OPT_SHINGLE, OPT_MINHASH, OPT_BANDS, OPT_NEAR_THRESHOLD, OPT_LOW_AGREEMENT,
    OPT_DS_ITER, OPT_LEARN, OPT_NO_LEARN, OPT_FOLDS, OPT_LEARN_MIN,
    OPT_SCORES, OPT_REMOVALS, OPT_RAW_FINDINGS, OPT_SEED, OPT_SORT, OPT_TOP, OPT_MIN_SCORE, OPT_REASONS,
    OPT_FORMAT, OPT_SUMMARY, OPT_REJECTS, OPT_REPORT, OPT_ANNOTATOR_REPORT,
    OPT_MAX_LINE, OPT_MEMORY, OPT_TMPDIR, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_STAGE_TIMES,
    OPT_CONTEXT_FIELDS, OPT_LS_CONFIG, OPT_CALIBRATION, OPT_INPUT_FORMAT,
    OPT_LABEL_COLUMNS, OPT_LABEL_RULE, OPT_LABEL_THRESHOLD, OPT_PART
};

static const struct option long_options[] = {
    { "input-format", required_argument, NULL, OPT_INPUT_FORMAT },
    { "text", required_argument, NULL, OPT_TEXT },
    { "label", required_argument, NULL, OPT_LABEL },
    { "label-columns", required_argument, NULL, OPT_LABEL_COLUMNS },
    { "label-rule", required_argument, NULL, OPT_LABEL_RULE },
    { "label-threshold", required_argument, NULL, OPT_LABEL_THRESHOLD },
    { "id", required_argument, NULL, OPT_ID },
    { "annotations", required_argument, NULL, OPT_ANNOTATIONS },
    { "annotators", required_argument, NULL, OPT_ANNOTATORS },
    { "annotator-key", required_argument, NULL, OPT_ANNOTATOR_KEY },
    { "annotation-label-key", required_argument, NULL, OPT_ANNOTATION_LABEL_KEY },
    { "votes", required_argument, NULL, OPT_VOTES },
    { "vote-classes", required_argument, NULL, OPT_VOTE_CLASSES },
    { "context-fields", required_argument, NULL, OPT_CONTEXT_FIELDS },
    { "ls-config", required_argument, NULL, OPT_LS_CONFIG },
    { "calibration", required_argument, NULL, OPT_CALIBRATION },
    { "toxic-values", required_argument, NULL, OPT_TOXIC },
    { "clean-values", required_argument, NULL, OPT_CLEAN },
    { "spam-values", required_argument, NULL, OPT_SPAM },
    { "ham-values", required_argument, NULL, OPT_HAM },
    { "task", required_argument, NULL, OPT_TASK },
    { "lexicons", required_argument, NULL, OPT_LEXICONS },
    { "lexicon", required_argument, NULL, OPT_LEXICON },
    { "dict", required_argument, NULL, OPT_DICT },
    { "explain", no_argument, NULL, OPT_EXPLAIN },
    { "json", no_argument, NULL, OPT_JSON },
    { "no-evidence-reason", no_argument, NULL, OPT_NO_EVIDENCE },
    { "no-near-dups", no_argument, NULL, OPT_NO_NEAR },
    { "dup-keep", required_argument, NULL, OPT_DUP_KEEP },
    { "shingle", required_argument, NULL, OPT_SHINGLE },
    { "minhash", required_argument, NULL, OPT_MINHASH },
    { "bands", required_argument, NULL, OPT_BANDS },
    { "near-threshold", required_argument, NULL, OPT_NEAR_THRESHOLD },
    { "low-agreement", required_argument, NULL, OPT_LOW_AGREEMENT },
    { "ds-iterations", required_argument, NULL, OPT_DS_ITER },
    { "learn", no_argument, NULL, OPT_LEARN },
    { "no-learn", no_argument, NULL, OPT_NO_LEARN },
    { "folds", required_argument, NULL, OPT_FOLDS },
    { "learn-min", required_argument, NULL, OPT_LEARN_MIN },
    { "scores", required_argument, NULL, OPT_SCORES },
    { "removals", no_argument, NULL, OPT_REMOVALS },
    { "raw-findings", no_argument, NULL, OPT_RAW_FINDINGS },
    { "seed", required_argument, NULL, OPT_SEED },
    { "sort", no_argument, NULL, OPT_SORT },
    { "top", required_argument, NULL, OPT_TOP },
    { "min-score", required_argument, NULL, OPT_MIN_SCORE },
    { "reasons", required_argument, NULL, OPT_REASONS },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "output", required_argument, NULL, 'o' },
    { "summary", required_argument, NULL, OPT_SUMMARY },
    { "rejects", required_argument, NULL, OPT_REJECTS },
    { "report", required_argument, NULL, OPT_REPORT },
    { "annotator-report", required_argument, NULL, OPT_ANNOTATOR_REPORT },
    { "max-line-bytes", required_argument, NULL, OPT_MAX_LINE },
    { "threads", required_argument, NULL, 'j' },
    { "memory", required_argument, NULL, OPT_MEMORY },
    { "tmpdir", required_argument, NULL, OPT_TMPDIR },
    { "quiet", no_argument, NULL, 'q' },
    { "progress", no_argument, NULL, OPT_PROGRESS },
    { "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
    { "stage-times", no_argument, NULL, OPT_STAGE_TIMES },
    { "part", required_argument, NULL, OPT_PART },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
};

static void usage_error(const char *fmt, const char *arg)
{
    fputs("labelaudit: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'labelaudit --help' for more information.\n", stderr);
    exit(EXIT_USAGE);
}

static long parse_long(const char *opt, const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: expected %s, got '%%s'", opt,
                 lo >= 0 ? "a non-negative integer" : "an integer");
        usage_error(msg, s);
    }
    return v;
}

/* A size in bytes with an optional K, M or G suffix (powers of 1024). */
static size_t parse_size(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    int shift = 0;
    switch (*end) {
    case 'K': case 'k': shift = 10; end++; break;
    case 'M': case 'm': shift = 20; end++; break;
    case 'G': case 'g': shift = 30; end++; break;
    default: break;
    }
    if (errno || end == s || *end || s[0] == '-' || v == 0 || v > (ULLONG_MAX >> shift)) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: expected a size such as 512M or 2G, got '%%s'", opt);
        usage_error(msg, s);
    }
    return (size_t)(v << shift);
}

/* Numbers are only parsed here; their ranges are checked in one place,
 * la_options_check (src/options.c), for the CLI and embedders alike. */
static int parse_int(const char *opt, const char *s)
{
    return (int)parse_long(opt, s, INT_MIN, INT_MAX);
}

static double parse_number(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || isnan(v)) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: expected a number, got '%%s'", opt);
        usage_error(msg, s);
    }
    return v;
}

/* --part K/N: this shard's part (checked against N by la_options_check). */
static void parse_part(la_options *o, const char *s)
{
    char *end;
    long k = strtol(s, &end, 10), n = 0;
    if (end != s && *end == '/') {
        const char *p = end + 1;
        n = strtol(p, &end, 10);
        if (end == p) n = 0;
    }
    if (*end || k < 1 || n < 1 || k > n || n > LA_SHARD_MAX_PARTS)
        usage_error("--part: expected K/N with 1 <= K <= N (e.g. 3/8), got '%s'", s);
    o->shard_part = (int)k;
    o->shard_parts = (int)n;
}

/* What shard and merge need besides the audit's options: a part and a
 * shard file to write; shard files to read. */
static void check_shard_mode(int shard, const la_options *o, const char *out,
                             const char *ls_config, int explain, int nargs)
{
    const char *cmd = shard ? "shard" : "merge";
    if (explain) usage_error("--explain: not with %s", cmd);
    if (shard) {
        if (!o->shard_parts) usage_error("%s: --part K/N is required", cmd);
        if (strcmp(out, "-") == 0)
            usage_error("%s: -o SHARD is required (a regular file: merge reads it by seeking)",
                        cmd);
        if (ls_config) usage_error("--ls-config: written by merge, not %s", cmd);
        if (o->summary_path || o->report_path || o->rejects_path || o->annotator_report_path)
            usage_error("%s: the summary, report, rejects and annotator report are written "
                        "by merge", cmd);
        if (!nargs) usage_error("%s: name the input files (every shard reads them all)", cmd);
    } else {
        if (o->shard_parts) usage_error("--part: only with %s", "shard");
        if (!nargs) usage_error("%s: name the shard files of the run", cmd);
    }
}

static void parse_dup_keep(la_options *o, const char *s)
{
    char *copy = strdup(s), *save = NULL;
    if (!copy) { fputs("labelaudit: out of memory\n", stderr); abort(); }
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "urls") == 0) o->dup_keep_urls = 1;
        else if (strcmp(t, "mentions") == 0) o->dup_keep_mentions = 1;
        else if (strcmp(t, "punct") == 0) o->dup_keep_punct = 1;
        else if (strcmp(t, "emoji") == 0) o->dup_keep_emoji = 1;
        else usage_error("--dup-keep: expected urls, mentions, punct or emoji, got '%s'", t);
    }
    free(copy);
}

/* Whether each piece of the comma list sub is in the comma list of. */
static const char *not_in(const char *sub, const char *of)
{
    static char bad[128];
    for (const char *p = sub; *p;) {
        while (*p == ' ' || *p == ',') p++;
        size_t n = strcspn(p, ",");
        while (n && p[n - 1] == ' ') n--;
        int found = 0;
        for (const char *q = of; *q && !found;) {
            while (*q == ' ' || *q == ',') q++;
            size_t m = strcspn(q, ",");
            size_t k = m;
            while (k && q[k - 1] == ' ') k--;
            found = k == n && memcmp(p, q, n) == 0;
            q += m;
        }
        if (n && !found) {
            snprintf(bad, sizeof bad, "%.*s", (int)(n < 100 ? n : 100), p);
            return bad;
        }
        p += strcspn(p, ",");
    }
    return NULL;
}

/* The label layouts exclude each other; a rule names label columns. */
static void check_label_layout(const la_options *o)
{
    if (o->label_rule && !o->label_columns)
        usage_error("%s: only with --label-columns", "--label-rule");
    if (o->label_columns && o->label_threshold >= 0)
        usage_error("%s: not with --label-columns (one label layout at a time)",
                    "--label-threshold");
    if (o->label_rule && strcmp(o->label_rule, "any") && strcmp(o->label_rule, "all")) {
        const char *bad = not_in(o->label_rule, o->label_columns);
        if (bad)
            usage_error("--label-rule: '%s' is not one of the --label-columns (or use any "
                        "or all)", bad);
    }
}

/* ---- queue output --------------------------------------------------------- */

typedef struct out_ctx {
    la_writer *w;
    int failed;     /* 0, or the errno of the failed write */
} out_ctx;

static int write_row(const la_result *r, void *ud)
{
    out_ctx *o = ud;
    if (la_writer_write(o->w, r) != LA_OK) {
        o->failed = errno ? errno : EIO;
        return 1;
    }
    return 0;
}

static int report_write_failure(int err)
{
    if (err == EPIPE) return EXIT_IO;    /* the reader went away: quietly */
    fprintf(stderr, "labelaudit: write error: %s\n", strerror(err));
    return EXIT_IO;
}

/* Refuses, before anything is read, outputs that would clobber an input
 * or each other (la_outputs_check). */
static int check_outputs(const la_options *o, const char *queue_path, int nin,
                         char **inputs, char *err, size_t errlen)
{
    const char *const outputs[] = { queue_path ? queue_path : o->shard_path, o->summary_path,
                                    o->rejects_path, o->report_path, o->annotator_report_path };
    const char *const what[] = { queue_path ? "the queue" : "the shard file", "--summary",
                                 "--rejects", "--report", "--annotator-report" };
    static const char *const std_in[] = { "-" };
    const char *const *in = nin ? (const char *const *)inputs : std_in;
    return la_outputs_check(outputs, what, sizeof outputs / sizeof outputs[0], in,
                            nin ? (size_t)nin : 1, err, errlen);
}

/* The command line as a shell would take it back: words with anything
 * but letters, digits and -_./=,:@+ quoted in single quotes. Owned. */
static char *command_line(int argc, char **argv)
{
    size_t cap = 1;
    for (int i = 0; i < argc; i++) cap += 4 * strlen(argv[i]) + 3;
    char *s = malloc(cap), *p = s;
    if (!s) { fputs("labelaudit: out of memory\n", stderr); abort(); }
    for (int i = 0; i < argc; i++) {
        const char *w = i ? argv[i] : "labelaudit";
        int plain = *w != '\0';
        for (const char *c = w; *c; c++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:@+", *c))
                plain = 0;
        if (i) *p++ = ' ';
        if (!plain) *p++ = '\'';
        for (const char *c = w; *c; c++) {
            if (*c == '\'' && !plain) { memcpy(p, "'\\''", 4); p += 4; }
            else *p++ = *c;
        }
        if (!plain) *p++ = '\'';
    }
    *p = '\0';
    return s;
}

/* ---- --explain -------------------------------------------------------------------- */

static int run_explain(const la_options *opt, int json, int argc, char **argv)
{
    char err[512] = "";
    int status = 0;
    la_explainer *e = la_explainer_new(opt, err, sizeof err, &status);
    if (!e) {
        fprintf(stderr, "labelaudit: %s\n", err);
        return status ? status : EXIT_RESOURCE;
    }
    int rc = LA_OK;
    if (argc > 0) {
        for (int i = 0; i < argc && rc == LA_OK; i++)
            rc = la_explainer_write(e, argv[i], strlen(argv[i]), json, stdout);
    } else {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while (rc == LA_OK && (n = getline(&line, &cap, stdin)) >= 0) {
            if (n && line[n - 1] == '\n') n--;
            if (n && line[n - 1] == '\r') n--;
            rc = la_explainer_write(e, line, (size_t)n, json, stdout);
        }
        free(line);
    }
    la_explainer_free(e);
    if (rc == LA_OK && fflush(stdout) != 0) rc = LA_EIO;
    if (rc != LA_OK) return report_write_failure(errno ? errno : EIO);
    return EXIT_AUDITED;
}

/* ---- labelaudit apply ------------------------------------------------------------ */

static const char apply_usage_text[] =
"Usage: labelaudit apply --decisions FILE (--output FILE | --in-place) [OPTIONS] DATASET\n"
"Writes reviewed decisions back into the dataset (JSON Lines): labels replaced,\n"
"rows removed where the decision says so, every other byte and the order kept.\n"
"Prints the counts and the audit's precision as the reviewers measured it.\n"
"\n"
"Decisions:\n"
"      --decisions FILE        the reviewed queue: a filled-in csv export, a Label\n"
"                              Studio JSON export, Argilla records with responses\n"
"                              (JSON Lines) or a Prodigy db-out file\n"
"      --decisions-format FMT  auto, csv, label-studio, argilla or prodigy\n"
"                              (default: auto, from the content)\n"
"\n"
"Outputs (each written to a temporary file and renamed; nothing is written\n"
"when a decision is invalid):\n"
"  -o, --output FILE           the corrected dataset\n"
"      --in-place              replace DATASET itself\n"
"      --force                 let --output, --log, --calibration replace a file\n"
"      --log FILE              change log, one JSON line per changed row\n"
"      --calibration FILE      the precision table (JSON), for a later audit's\n"
"                              --calibration\n"
"\n"
"Dataset fields:\n"
"      --id PATH               id field (default: id; absent: the line number)\n"
"      --label PATH            label field (default: label)\n"
"      --labeler PATH          field naming who labeled the row\n"
"      --annotations PATH      per-annotator labels (default: annotations); with\n"
"      --annotators PATH       rater ids (default: annotators), the annotators\n"
"                              whose label was overturned are counted\n"
"      --annotator-key KEY     rater key in annotation objects (default: annotator)\n"
"      --annotation-label-key KEY  label key in annotation objects (default: label)\n"
"\n"
"  -q, --quiet                 no report\n"
"  -h, --help                  this help\n"
"\n"
"Exit status: 0 applied, 1 invalid decisions (nothing written), 2 usage error,\n"
"4 read or write error.\n";

static int run_apply(int argc, char **argv)
{
    enum {
        A_DECISIONS = 256, A_FORMAT, A_IN_PLACE, A_FORCE, A_LOG, A_CALIBRATION, A_ID,
        A_LABEL, A_LABELER, A_ANNOTATIONS, A_ANNOTATORS, A_ANNOTATOR_KEY, A_ANN_LABEL_KEY
    };
    static const struct option apply_options[] = {
        { "decisions", required_argument, NULL, A_DECISIONS },
        { "decisions-format", required_argument, NULL, A_FORMAT },
        { "output", required_argument, NULL, 'o' },
        { "in-place", no_argument, NULL, A_IN_PLACE },
        { "force", no_argument, NULL, A_FORCE },
        { "log", required_argument, NULL, A_LOG },
        { "calibration", required_argument, NULL, A_CALIBRATION },
        { "id", required_argument, NULL, A_ID },
        { "label", required_argument, NULL, A_LABEL },
        { "labeler", required_argument, NULL, A_LABELER },
        { "annotations", required_argument, NULL, A_ANNOTATIONS },
        { "annotators", required_argument, NULL, A_ANNOTATORS },
        { "annotator-key", required_argument, NULL, A_ANNOTATOR_KEY },
        { "annotation-label-key", required_argument, NULL, A_ANN_LABEL_KEY },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    la_apply_options o;
    la_apply_options_init(&o);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", apply_options, NULL)) != -1) {
        switch (c) {
        case A_DECISIONS: o.decisions = optarg; break;
        case A_FORMAT: o.decisions_format = optarg; break;
        case 'o': o.output = optarg; break;
        case A_IN_PLACE: o.in_place = 1; break;
        case A_FORCE: o.force = 1; break;
        case A_LOG: o.log_path = optarg; break;
        case A_CALIBRATION: o.calibration_path = optarg; break;
        case A_ID: o.id_path = optarg; break;
        case A_LABEL: o.label_path = optarg; break;
        case A_LABELER: o.labeler_path = optarg; break;
        case A_ANNOTATIONS: o.annotations_path = optarg; break;
        case A_ANNOTATORS: o.annotators_path = optarg; break;
        case A_ANNOTATOR_KEY: o.annotator_key = optarg; break;
        case A_ANN_LABEL_KEY: o.annotation_label_key = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'h':
            fputs(apply_usage_text, stdout);
            return fflush(stdout) == 0 ? EXIT_AUDITED : EXIT_IO;
        default:
            fputs("Try 'labelaudit apply --help' for more information.\n", stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind > 1) {
        fputs("labelaudit apply: one dataset file\n"
              "Try 'labelaudit apply --help' for more information.\n", stderr);
        return EXIT_USAGE;
    }
    if (optind < argc) o.dataset = argv[optind];
    int rc = la_apply_run(&o, stdout);
    if (fflush(stdout) != 0 && rc == EXIT_AUDITED) rc = report_write_failure(errno ? errno : EIO);
    return rc;
}

/* ---- labelaudit diff ---------------------------------------------------------------- */

static const char diff_usage_text[] =
"Usage: labelaudit diff [--html FILE] BEFORE.json AFTER.json\n"
"Compares two --summary files of the same dataset (before and after a review):\n"
"rows, rows per reason, per label value and class, agreement, keyed terms.\n"
"\n"
"      --html FILE             also write the comparison as an HTML page\n"
"  -h, --help                  this help\n"
"\n"
"Exit status: 0 compared, 2 usage error or unreadable summary, 4 write error.\n";

static int run_diff(int argc, char **argv)
{
    static const struct option diff_options[] = {
        { "html", required_argument, NULL, 'H' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *html = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", diff_options, NULL)) != -1) {
        switch (c) {
        case 'H': html = optarg; break;
        case 'h':
            fputs(diff_usage_text, stdout);
            return fflush(stdout) == 0 ? EXIT_AUDITED : EXIT_IO;
        default:
            fputs("Try 'labelaudit diff --help' for more information.\n", stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 2) {
        fputs("labelaudit diff: two summary files, before and after\n"
              "Try 'labelaudit diff --help' for more information.\n", stderr);
        return EXIT_USAGE;
    }
    int rc = la_diff_run(argv[optind], argv[optind + 1], html, stdout);
    if (fflush(stdout) != 0 && rc == EXIT_AUDITED) rc = report_write_failure(errno ? errno : EIO);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "apply") == 0) return run_apply(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "diff") == 0) return run_diff(argc - 1, argv + 1);
    /* shard and merge take the audit's own options */
    enum { AUDIT, SHARD, MERGE } mode = AUDIT;
    if (argc > 1 && strcmp(argv[1], "shard") == 0) mode = SHARD;
    if (argc > 1 && strcmp(argv[1], "merge") == 0) mode = MERGE;
    if (mode != AUDIT) argc--, argv++;
    la_options opt;
    la_options_init(&opt);
    int explain = 0, json = 0;
    const char *queue_path = "-";
    const char *ls_config = NULL;
    const char **lexfiles = calloc((size_t)argc + 1, sizeof *lexfiles);
    int nlexfiles = 0;
    if (!lexfiles) { fputs("labelaudit: out of memory\n", stderr); abort(); }

    int c, min_score_given = 0;
    opterr = 0;   /* getopt's own messages start with argv[0]: ours say labelaudit */
    while ((c = getopt_long(argc, argv, ":j:o:qhV", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_INPUT_FORMAT: {
            int f = la_input_format_parse(optarg);
            if (f < 0) usage_error("--input-format: expected auto, jsonl, csv, tsv or json, got '%s'", optarg);
            opt.input_format = f;
            break;
        }
        case OPT_TEXT: opt.text_path = optarg; break;
        case OPT_LABEL: opt.label_path = optarg; break;
        case OPT_LABEL_COLUMNS: opt.label_columns = optarg; break;
        case OPT_LABEL_RULE: opt.label_rule = optarg; break;
        case OPT_LABEL_THRESHOLD:
            opt.label_threshold = parse_number("--label-threshold", optarg);
            if (!(opt.label_threshold >= 0 && opt.label_threshold <= 1e9))
                usage_error("--label-threshold: expected a number from 0 to 1e9, got '%s'", optarg);
            break;
        case OPT_ID: opt.id_path = optarg; break;
        case OPT_ANNOTATIONS: opt.annotations_path = optarg; break;
        case OPT_ANNOTATORS: opt.annotators_path = optarg; break;
        case OPT_ANNOTATOR_KEY: opt.annotator_key = optarg; break;
        case OPT_ANNOTATION_LABEL_KEY: opt.annotation_label_key = optarg; break;
        case OPT_VOTES: opt.votes = optarg; break;
        case OPT_VOTE_CLASSES: opt.vote_classes = optarg; break;
        case OPT_CONTEXT_FIELDS: opt.context_fields = optarg; break;
        case OPT_LS_CONFIG: ls_config = optarg; break;
        case OPT_CALIBRATION: opt.calibration_path = optarg; break;
        case OPT_TOXIC: opt.toxic_values = optarg; break;
        case OPT_CLEAN: opt.clean_values = optarg; break;
        case OPT_SPAM: opt.spam_values = optarg; break;
        case OPT_HAM: opt.ham_values = optarg; break;
        case OPT_TASK:
            if (strcmp(optarg, "auto") == 0) opt.task = LA_TASK_AUTO;
            else if (strcmp(optarg, "toxicity") == 0) opt.task = LA_TASK_TOXICITY;
            else if (strcmp(optarg, "spam") == 0) opt.task = LA_TASK_SPAM;
            else usage_error("--task: expected auto, toxicity or spam, got '%s'", optarg);
            break;
        case OPT_LEXICONS: opt.lexicons_dir = optarg; break;
        case OPT_LEXICON: lexfiles[nlexfiles++] = optarg; break;
        case OPT_DICT: opt.dict = optarg; break;
        case OPT_EXPLAIN: explain = 1; break;
        case OPT_JSON: json = 1; break;
        case OPT_NO_EVIDENCE: opt.no_evidence = 0; break;
        case OPT_NO_NEAR: opt.near_dups = 0; break;
        case OPT_DUP_KEEP: parse_dup_keep(&opt, optarg); break;
        case OPT_SHINGLE: opt.shingle_size = parse_int("--shingle", optarg); break;
        case OPT_MINHASH: opt.minhash_k = parse_int("--minhash", optarg); break;
        case OPT_BANDS: opt.lsh_bands = parse_int("--bands", optarg); break;
        case OPT_NEAR_THRESHOLD:
            opt.near_threshold = parse_number("--near-threshold", optarg);
            break;
        case OPT_LOW_AGREEMENT:
            opt.low_agreement = parse_number("--low-agreement", optarg);
            break;
        case OPT_DS_ITER: opt.ds_max_iter = parse_int("--ds-iterations", optarg); break;
        case OPT_LEARN: opt.learn = LA_ON; break;
        case OPT_NO_LEARN: opt.learn = LA_OFF; break;
        case OPT_FOLDS: opt.folds = parse_int("--folds", optarg); break;
        case OPT_LEARN_MIN:
            opt.learn_min_per_class = parse_int("--learn-min", optarg);
            break;
        case OPT_SCORES: opt.scores_path = optarg; break;
        case OPT_REMOVALS: opt.removals = 1; break;
        case OPT_RAW_FINDINGS: opt.raw_findings = 1; break;
        case OPT_SEED: opt.seed = (uint64_t)parse_long("--seed", optarg, 0, LONG_MAX); break;
        case OPT_SORT: opt.sort = 1; break;
        case OPT_TOP: opt.top = parse_long("--top", optarg, 0, LONG_MAX); break;
        case OPT_MIN_SCORE:
            opt.min_score = parse_number("--min-score", optarg);
            min_score_given = 1;
            break;
        case OPT_REASONS: opt.reasons = optarg; break;
        case OPT_FORMAT: {
            int f = la_format_parse(optarg);
            if (f < 0)
                usage_error("--format: expected jsonl, csv, label-studio, argilla or prodigy, got '%s'", optarg);
            opt.format = (la_format)f;
            break;
        }
        case 'o': queue_path = optarg; break;
        case OPT_SUMMARY: opt.summary_path = optarg; break;
        case OPT_REJECTS: opt.rejects_path = optarg; break;
        case OPT_REPORT: opt.report_path = optarg; break;
        case OPT_ANNOTATOR_REPORT: opt.annotator_report_path = optarg; break;
        case OPT_MAX_LINE:
            opt.max_line_bytes = (size_t)parse_long("--max-line-bytes", optarg, 0, LONG_MAX);
            break;
        case 'j': opt.threads = parse_int("--threads", optarg); break;
        case OPT_MEMORY: opt.memory = parse_size("--memory", optarg); break;
        case OPT_TMPDIR: opt.tmpdir = optarg; break;
        case 'q': opt.quiet = 1; break;
        case OPT_PROGRESS: opt.progress = 1; break;
        case OPT_NO_PROGRESS: opt.progress = 0; break;
        case OPT_STAGE_TIMES: opt.stage_times = 1; break;
        case OPT_PART: parse_part(&opt, optarg); break;
        case 'h':
            free(lexfiles);
            fputs(usage_text, stdout);
            return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_AUDITED : EXIT_IO;
        case 'V':
            free(lexfiles);
            printf("labelaudit %s (utf8proc %s, cJSON %s)\n", LA_VERSION,
                   la_utf8proc_version(), la_cjson_version());
            return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_AUDITED : EXIT_IO;
        case ':':
            free(lexfiles);
            usage_error("option '%s' needs a value", argv[optind - 1]);
            break;
        default:
            free(lexfiles);
            if (optopt) {
                char opt_s[3] = { '-', (char)optopt, '\0' };
                usage_error("unknown option '%s'", opt_s);
            }
            usage_error("unknown option '%s'", argv[optind - 1]);
            break;
        }
    }
    opt.lexicon_files = nlexfiles ? lexfiles : NULL;
    check_label_layout(&opt);
    /* Asking for reasons by name asks for them whatever their score: the
     * default floor would hide same-label duplicates and NO_EVIDENCE
     * (tests/cases/queue-reasons-filter.case). */
    if (opt.reasons && !min_score_given) opt.min_score = 0;
    if (json && !explain) usage_error("%s: only with --explain", "--json");
    if (mode != AUDIT) check_shard_mode(mode == SHARD, &opt, queue_path, ls_config, explain,
                                        argc - optind);
    if (explain) {
        int rc = run_explain(&opt, json, argc - optind, argv + optind);
        free(lexfiles);
        return rc;
    }
    if (optind == argc && isatty(STDIN_FILENO) && mode == AUDIT) {
        /* nothing named and nothing piped: waiting on a terminal helps no one */
        free(lexfiles);
        fputs("labelaudit: no input: name the dataset files, or pipe rows in "
              "(use '-' to type them)\nUsage: labelaudit [OPTIONS] [FILE...]\n"
              "Try 'labelaudit --help' for more information.\n", stderr);
        return EXIT_USAGE;
    }
    if (opt.progress < 0) opt.progress = isatty(STDERR_FILENO) && !opt.quiet;
    char *cmdline = command_line(argc, argv);
    opt.command_line = cmdline;
    if (opt.calibration_path) {      /* a bad table is a usage error, up front */
        char cerr[512];
        la_calibration *cal = la_calibration_load(opt.calibration_path, cerr, sizeof cerr);
        if (!cal) usage_error("--calibration: %s", cerr);
        la_calibration_free(cal);
    }
    opt.many_inputs = argc - optind > 1;   /* (merge: as the shards say) */
    if (mode == SHARD) {
        opt.shard_path = queue_path;
        queue_path = NULL;
    }

    signal(SIGPIPE, SIG_IGN);
    /* a file size limit (ulimit -f) makes writes past it fail with EFBIG,
     * reported as write errors (status 4), instead of killing the process */
    signal(SIGXFSZ, SIG_IGN);
    char err[512] = "";
    if (check_outputs(&opt, queue_path, argc - optind, argv + optind, err, sizeof err) != LA_OK) {
        free(lexfiles);
        usage_error("%s", err);
    }
    la_output *queue = queue_path ? la_output_open(queue_path, err, sizeof err) : NULL;
    if (!queue && queue_path) {
        fprintf(stderr, "labelaudit: %s\n", err);
        free(lexfiles);
        return EXIT_IO;
    }
    out_ctx out = { queue ? la_writer_new(opt.format, la_output_stream(queue)) : NULL, 0 };
    int status = 0;
    la_auditor *a = la_auditor_new(&opt, queue ? write_row : NULL, &out, err, sizeof err,
                                   &status);
    if (!a) {
        fprintf(stderr, "labelaudit: %s\n", err);
        if (status == EXIT_USAGE)
            fputs("Try 'labelaudit --help' for more information.\n", stderr);
        la_writer_free(out.w);
        la_output_free(queue);
        free(lexfiles);
        free(cmdline);
        return status ? status : EXIT_RESOURCE;
    }
    running = a;
    catch_signal(SIGINT);
    catch_signal(SIGTERM);

    int read_error = 0, refused = 0, i = optind;
    int merge_failed = 0;
    if (mode == MERGE) {
        int r = la_auditor_merge(a, (const char *const *)argv + optind, (size_t)(argc - optind));
        if (r == LA_EUSAGE) refused = 1;
        if (r != LA_OK) merge_failed = read_error = 1;
        if (la_auditor_stats(a)->files_unreadable) read_error = 1;   /* as the run said */
        i = argc;
    } else if (optind == argc) {
        int r = la_auditor_feed(a, "-", stdin);
        if (r == LA_EUSAGE) refused = 1;
        else if (r != LA_OK) read_error = 1;
    }
    for (; i < argc && !out.failed && !got_signal && !refused; i++) {
        FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "rb");
        struct stat sb;
        if (f && f != stdin && fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
            fclose(f);          /* fopen takes a folder; reading it fails */
            f = NULL;
            errno = EISDIR;
        }
        if (!f) {
            la_auditor_note_unreadable(a, argv[i], errno);
            read_error = 1;
            continue;
        }
        int r = la_auditor_feed(a, argv[i], f);
        if (r == LA_EUSAGE) refused = 1;   /* an input in the wrong format: stop */
        else if (r != LA_OK) read_error = 1;
        if (f != stdin) fclose(f);
    }
    /* a merge that could not replay every shard writes nothing: its
     * answer would not be the run's */
    int fin = merge_failed ? LA_EIO : la_auditor_finish(a);
    if (merge_failed && refused) fin = LA_EUSAGE;
    if (out.w && !out.failed && la_writer_finish(out.w) != LA_OK) out.failed = errno ? errno : EIO;
    if (queue && (out.failed || merge_failed || la_auditor_stats(a)->queue_lost)) {
        la_output_free(queue);            /* a replaced file keeps its old bytes */
    } else if (queue && la_output_commit(queue, err, sizeof err) != LA_OK) {
        fprintf(stderr, "labelaudit: %s\n", err);
        fin = LA_EIO;
    }
    queue = NULL;
    running = NULL;
    if (ls_config && !out.failed && la_writer_ls_config(out.w, ls_config) != LA_OK) {
        fprintf(stderr, "labelaudit: %s: %s\n", ls_config, strerror(errno));
        fin = LA_EIO;
    }

    int rc = EXIT_AUDITED;
    const la_stats *st = la_auditor_stats(a);
    if (st->rows_rejected) rc = EXIT_REJECTS;
    if (read_error || (fin != LA_OK && fin != LA_EUSAGE)) rc = EXIT_IO;
    if (out.failed) rc = report_write_failure(out.failed);
    if (fin == LA_EUSAGE) refused = 1;   /* the first rows lack --text or --label */
    if (refused) rc = EXIT_USAGE;
    if (!opt.quiet && !(out.failed == EPIPE) && !(refused && st->rows_read == 0))
        la_auditor_print_summary(a, stderr);
    /* A signal that arrived after every input was read interrupted
     * nothing: the outputs are complete and the status is the run's
     * (tests/cases/rel-sigint-after-input.case). */
    int sig = st->interrupted || i < argc ? got_signal : 0;
    if (sig)
        fprintf(stderr, "labelaudit: interrupted by %s: the queue and summary cover the "
                "%llu rows read before it\n", sig == SIGINT ? "SIGINT" : "SIGTERM",
                (unsigned long long)st->rows_read);
    la_auditor_free(a);
    la_writer_free(out.w);
    free(lexfiles);
    free(cmdline);
    if (sig) {   /* end as the signal would have: the caller sees it */
        fflush(stderr);
        signal(sig, SIG_DFL);
        raise(sig);
    }
    return rc;
}
