/*
 * la_dedup.h - exact and near duplicates, clusters and label conflicts.
 *
 * la_dedup_signature runs on worker threads (pure); la_dedup_add runs on
 * the consumer in input order and is the single owner of the index.
 */
#ifndef LA_DEDUP_H
#define LA_DEDUP_H

#include "la_row.h"

struct cJSON;

typedef struct la_dedup la_dedup;

/* Worker: fills row->dup_key, row->contrast_key, row->minhash and
 * row->nshingles from the analyzed text (arrays in c->arena). */
void la_dedup_signature(const la_detect_ctx *c, la_row *row);

la_dedup *la_dedup_new(const la_options *opt);
/* Consumer, input order: indexes the row; on a duplicate adds DUPLICATE /
 * NEAR_DUPLICATE / LABEL_CONFLICT findings and fills row->r.cluster. The
 * strings it points row->r.cluster.of at belong to d. */
void la_dedup_add(la_dedup *d, la_row *row);
/* The label class held by most rows of a cluster (LA_CLASS_UNKNOWN when
 * tied or unknown); final once the stream has ended. */
la_class la_dedup_cluster_majority(const la_dedup *d, uint64_t cluster_id);
/* Summary object: clusters, sizes, conflicts, memory. New; caller frees. */
struct cJSON *la_dedup_summary(const la_dedup *d);
void la_dedup_free(la_dedup *d);

#endif
