/*
 * la_dedup.h - exact and near duplicates, clusters and label conflicts.
 *
 * la_dedup_signature runs on worker threads (pure); la_dedup_add runs on
 * the consumer in input order and is the single owner of the index.
 * The keys, shingles, index layout, memory per row and the rules for
 * conflicts and contrast pairs are described at the top of src/dedup.c.
 */
#ifndef LA_DEDUP_H
#define LA_DEDUP_H

#include "la_row.h"

struct cJSON;

typedef struct la_dedup la_dedup;

/* Worker: fills row->dup_key (0 when the key is empty), row->contrast_key
 * (the key without negations; equal to dup_key when the row holds none),
 * and, when opt->near_dups is on and the key has at least 5 words,
 * row->minhash (opt->minhash_k values in c->arena), row->nshingles, and
 * what the near index files: row->sig8 (the values' low bytes) and
 * row->band_keys (one per LSH band); else those are NULL and nshingles 0. Uses c->scratch. Deterministic
 * for a given text and options. */
void la_dedup_signature(const la_detect_ctx *c, la_row *row);

/* A new, empty index reading opt (borrowed; must outlive it). */
la_dedup *la_dedup_new(const la_options *opt);
/* Consumer, input order: indexes the row; on a duplicate adds DUPLICATE /
 * NEAR_DUPLICATE / LABEL_CONFLICT findings and fills row->r.cluster. The
 * strings it points row->r.cluster.of at belong to d. Rows with a status
 * other than LA_OK or a zero dup_key are ignored. */
void la_dedup_add(la_dedup *d, la_row *row);
/* The label class held by most rows of a cluster (LA_CLASS_UNKNOWN when
 * tied or unknown); final once the stream has ended. */
la_class la_dedup_cluster_majority(const la_dedup *d, uint64_t cluster_id);
/* Clusters so far; ids run from 1 to this number. */
uint64_t la_dedup_clusters(const la_dedup *d);
/* A cluster's size (0 when no such cluster), the row index of its first
 * row, and its rows per label class. */
uint32_t la_dedup_cluster_info(const la_dedup *d, uint64_t cluster_id,
                               uint64_t *first_index, uint32_t counts[LA_CLASS__COUNT]);
/* Summary object: "clusters", "rows_in_clusters", "conflicts" (clusters
 * holding more than one label class), "conflict_rows", "exact_duplicates",
 * "near_duplicates", "contrast_pairs" (near candidates set aside because
 * they differ by a negation), "largest" (top 10 sizes), "sizes" histogram
 * {"2","3","4-9","10+"}, "bytes_per_row" {"exact","near"} (per distinct
 * text), "memory_bytes" {"exact","near"} (held now), "near_dups" (bool),
 * "too_short_for_near" (distinct texts under 5 words). New; caller frees. */
struct cJSON *la_dedup_summary(const la_dedup *d);
void la_dedup_free(la_dedup *d);

#endif
