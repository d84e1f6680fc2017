/*
 * names.c - the stable names of the contracts: error codes and their
 * summary keys, label classes, reason codes, output formats. The tables
 * are indexed by the enums of labelaudit.h; an enum value is never reused.
 */
#include <string.h>
#include <strings.h>

#include "labelaudit.h"

static const struct { int code; const char *msg, *kind; } errors[] = {
    { LA_OK, "success", "ok" },
    { LA_ENOMEM, "out of memory", "out_of_memory" },
    { LA_EIO, "input/output error", "io_error" },
    { LA_EUSAGE, "invalid usage", "usage" },
    { LA_ELEXICON, "lexicon could not be loaded", "lexicon" },
    { LA_EDICT, "dictionary could not be loaded", "dictionary" },
    { LA_EJSON, "invalid JSON", "invalid_json" },
    { LA_ENOTOBJ, "JSON value is not an object", "not_an_object" },
    { LA_EUTF8, "invalid UTF-8", "invalid_utf8" },
    { LA_ENOTEXT, "text field missing", "missing_text" },
    { LA_ETEXTTYPE, "text field is not a string", "text_not_string" },
    { LA_ENOLABEL, "label field missing", "missing_label" },
    { LA_ETOOLONG, "line longer than --max-line-bytes", "line_too_long" },
    { LA_ENUL, "escaped U+0000", "nul_in_text" },
    { LA_EANNOT, "malformed annotations", "bad_annotations" },
    { LA_EDEPTH, "JSON nested too deeply", "too_deep" },
    { LA_ELABELTYPE, "label is an object or array", "label_not_scalar" },
    { LA_ECTRL, "raw control character", "control_in_string" },
    { LA_ERECORD, "malformed record", "malformed_record" },
    { LA_ELABELVALUE, "label value not usable", "bad_label_value" },
};

const char *la_strerror(int err)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].code == err) return errors[i].msg;
    return "unknown error";
}

const char *la_error_kind(int err)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].code == err) return errors[i].kind;
    return "unknown";
}

static const char *const class_names[LA_CLASS__COUNT] = {
    NULL, "toxic", "non_toxic", "spam", "ham"
};

const char *la_class_name(la_class c)
{
    return (c > 0 && c < LA_CLASS__COUNT) ? class_names[c] : NULL;
}

static const char *const reason_names[LA_R__COUNT] = {
    "PROFANITY_ONLY", "IDENTITY_ONLY", "NO_EVIDENCE", "MISSED_TOXICITY",
    "SPAM", "GIBBERISH", "EMPTY_TEXT", "DUPLICATE", "NEAR_DUPLICATE",
    "LABEL_CONFLICT", "LOW_AGREEMENT", "NOT_MAJORITY", "MODEL_DISAGREES",
    "OUTSIDE_SCORE"
};

const char *la_reason_name(la_reason r)
{
    return ((unsigned)r < LA_R__COUNT) ? reason_names[r] : NULL;
}

int la_reason_parse(const char *name, size_t len)
{
    for (int i = 0; i < LA_R__COUNT; i++)
        if (strlen(reason_names[i]) == len && strncasecmp(reason_names[i], name, len) == 0)
            return i;
    return -1;
}

int la_format_parse(const char *s)
{
    static const char *const names[] = { "jsonl", "csv", "label-studio", "argilla", "prodigy" };
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (strcmp(s, names[i]) == 0) return i;
    if (strcmp(s, "json") == 0 || strcmp(s, "ndjson") == 0) return LA_FORMAT_JSONL;
    if (strcmp(s, "labelstudio") == 0) return LA_FORMAT_LABEL_STUDIO;
    return -1;
}

#include <cjson/cJSON.h>
#include <utf8proc.h>

const char *la_utf8proc_version(void) { return utf8proc_version(); }
const char *la_cjson_version(void) { return cJSON_Version(); }
