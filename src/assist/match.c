// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `match`: moves the mix towards one or more reference mixes in three
// dimensions, each by its own amount, and writes the result as plain values:
//
//   - spectrum: an `eq` insert at the end of the master's chain, up to 8
//     shelves and bells fitted to the smoothed third-octave difference
//     (50 Hz … 16 kHz) between the references' long-term spectrum and the
//     mix's; the band gains are scaled by the EQ amount;
//   - width: a `stereo` insert after it whose `width` scales the side
//     signal so the mix's side-to-mid energy reaches the references';
//   - loudness: `master.loudness.target_lufs`, between the mix's integrated
//     loudness and the references'.
//
// The EQ is fitted with the eq processor's own response (md_eq_response_db:
// the same prototypes and matched coefficients the insert plays), averaged
// in power over each third octave as the measurement averages the spectrum,
// so the fitted curve is the one heard.  The bands are chosen greedily (the
// candidate shelf or bell that, with those chosen before, leaves the least
// squared residual, gains solved by linear least squares) and then refined
// together (Levenberg–Marquardt on gain, frequency and Q).  A free constant
// is fitted beside them: the EQ matches the shape, the loudness target the
// level.
//
// A re-run finds its pair — the master's last two inserts, an `eq` of
// shelves and bells followed by a `stereo` with a constant width — removes
// both before listening, and writes them again.

#include "assist.h"
#include "bands.h"
#include "match.h"

#include "util/suggest.h"

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MATCH_DIFF_CAP_DB 24.0 // a band silent on one side asks for no more than this


/* --- options ------------------------------------------------------------ */

static const MixdownParamInfo match_options[] = {
  {"ref", "", "Reference mix: an audio file (any rate, mono or stereo); several joined by commas",
   MIXDOWN_PARAM_FILE, 0.0, 0.0, 0.0, NULL},
  {"weights", "", "Each reference's weight (numbers > 0 joined by commas, in --ref's order; default: equal)",
   MIXDOWN_PARAM_TEXT, 0.0, 0.0, 0.0, NULL},
  {"amount", "",
   "How far each dimension moves: eq=P%,width=P%,loudness=P% (each from 0 to 100 %, any of them; the others "
   "keep --eq-amount, --width-amount, --loudness-amount)",
   MIXDOWN_PARAM_TEXT, 0.0, 0.0, 0.0, NULL},
  {"eq-amount", "%", "How far the EQ moves the spectrum towards the reference (its band gains × amount)",
   MIXDOWN_PARAM_NUMBER, 0.0, 100.0, 100.0, NULL},
  {"width-amount", "%", "How far the stereo width moves from 1 (unchanged) towards the reference's",
   MIXDOWN_PARAM_NUMBER, 0.0, 100.0, 100.0, NULL},
  {"loudness-amount", "%",
   "How far the loudness target moves from the mix's loudness towards the reference's (0: not written)",
   MIXDOWN_PARAM_NUMBER, 0.0, 100.0, 100.0, NULL},
  {"bands", "", "Most EQ bands fitted", MIXDOWN_PARAM_NUMBER, 0.0, 8.0, 8.0, NULL},
  {"max-gain", "dB", "Largest gain or cut of one EQ band (before the amount)", MIXDOWN_PARAM_NUMBER, 1.0, 24.0,
   12.0, NULL},
  {"smoothing", "oct", "Width of the smoothing of the third-octave difference before fitting (0: none)",
   MIXDOWN_PARAM_NUMBER, 0.0, 2.0, 0.33, NULL},
};

typedef enum { DIM_EQ, DIM_WIDTH, DIM_LOUDNESS, N_DIMS } Dimension;

static const char* const dim_names[N_DIMS]   = {"eq", "width", "loudness"};
static const char* const dim_options[N_DIMS] = {"eq-amount", "width-amount", "loudness-amount"};

// One `NAME=P%` of --amount into amounts[] (fractions); false with the
// context failed.
static bool
read_amount_piece(AssistContext* ctx, const char* piece, double* amounts, bool* named)
{
  const char* eq = strchr(piece, '=');
  char        name[32];
  snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - piece) : (int)strlen(piece), piece);
  int dim = -1;
  for (int d = 0; d < (int)N_DIMS; ++d) {
    if (strcmp(name, dim_names[d]) == 0) {
      dim = d;
    }
  }
  if (dim < 0) {
    const char* near = md_suggest(name, dim_names, N_DIMS);
    assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--amount %s: no dimension %s%s%s%s (eq, width, loudness)", piece, name,
                near ? "; did you mean " : "", near ? near : "", near ? "?" : "");
    return false;
  }
  if (named[dim]) {
    assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--amount: %s given twice", name);
    return false;
  }
  if (assist_given(ctx, dim_options[dim])) {
    assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--amount %s and --%s both given: say it once", name, dim_options[dim]);
    return false;
  }
  char*        end = NULL;
  const double pct = eq ? strtod(eq + 1, &end) : NAN;
  if (!eq || end == eq + 1 || !isfinite(pct) || (*end && strcmp(end, "%") != 0) || pct < 0.0 || pct > 100.0) {
    assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--amount %s: %s takes a percentage from 0 to 100 (%s=60%%)", piece, name,
                name);
    return false;
  }
  named[dim]   = true;
  amounts[dim] = pct / 100.0;
  return true;
}

// The three amounts (fractions): --amount's pieces, else the separate options.
static bool
read_amounts(AssistContext* ctx, double* amounts)
{
  bool named[N_DIMS] = {false};
  for (int d = 0; d < (int)N_DIMS; ++d) {
    amounts[d] = assist_number(ctx, dim_options[d]) / 100.0;
  }
  const char* text = assist_text(ctx, "amount");
  if (!text) {
    return true;
  }
  char**       pieces = NULL;
  const size_t n      = assist_split_list(text, &pieces);
  bool         ok     = n > 0U;
  if (!ok) {
    assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--amount %s: write eq=P%%,width=P%%,loudness=P%% (any of them)", text);
  }
  for (size_t i = 0; ok && i < n; ++i) {
    ok = read_amount_piece(ctx, pieces[i], amounts, named);
  }
  assist_free_list(pieces, n);
  return ok;
}

/* --- references ----------------------------------------------------------- */

static void
references_free(Reference* refs, size_t n)
{
  for (size_t i = 0; i < n; ++i) {
    free(refs[i].path);
  }
  free(refs);
}

// Checks a reference opens as mono or stereo audio (before anything is analysed).
static bool
reference_readable(AssistContext* ctx, const char* path)
{
  SF_INFO  info = {0};
  SNDFILE* file = sf_open(path, SFM_READ, &info);
  if (!file) {
    assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--ref %s: cannot be read (%s)", path, sf_strerror(NULL));
    return false;
  }
  sf_close(file);
  if (info.channels < 1 || info.channels > 2) {
    assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--ref %s: %d channels; a reference is mono or stereo", path,
                info.channels);
    return false;
  }
  if (info.frames <= 0) {
    assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--ref %s: holds no audio", path);
    return false;
  }
  return true;
}

// --ref and --weights into `*refs`; 0 with the context failed.
static size_t
read_references(AssistContext* ctx, Reference** refs)
{
  *refs             = NULL;
  const char* paths = assist_text(ctx, "ref");
  if (!paths) {
    assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--ref FILE is needed: the reference mix to match");
    return 0;
  }
  char**       names = NULL;
  const size_t n     = assist_split_list(paths, &names);
  char**       ws    = NULL;
  const size_t n_w   = assist_split_list(assist_text(ctx, "weights"), &ws);
  Reference*   out   = n ? calloc(n, sizeof *out) : NULL;
  bool         ok    = out != NULL;
  if (n > MATCH_MAX_REFS) {
    assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--ref: %zu references; at most %u", n, MATCH_MAX_REFS);
    ok = false;
  } else if (!n) {
    assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--ref FILE is needed: the reference mix to match");
  } else if (assist_given(ctx, "weights") && n_w != n) {
    assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--weights %s: %zu weight%s for %zu reference%s", assist_text(ctx, "weights"),
                n_w, n_w == 1U ? "" : "s", n, n == 1U ? "" : "s");
    ok = false;
  }
  for (size_t i = 0; ok && i < n; ++i) {
    out[i].path   = strdup(names[i]);
    out[i].weight = 1.0;
    if (n_w) {
      char* end     = NULL;
      out[i].weight = strtod(ws[i], &end);
      if (end == ws[i] || *end || !isfinite(out[i].weight) || out[i].weight <= 0.0) {
        assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--weights %s: %s is not a number > 0", assist_text(ctx, "weights"),
                    ws[i]);
        ok = false;
      }
    }
    ok = ok && out[i].path && reference_readable(ctx, out[i].path);
  }
  assist_free_list(names, n);
  assist_free_list(ws, n_w);
  if (!ok) {
    references_free(out, n);
    return 0;
  }
  *refs = out;
  return n;
}

/* --- deciding and writing ------------------------------------------------- */


/// Everything measured and decided, for the writes and the report.
typedef struct {
  Thirds  thirds;
  double  amounts[N_DIMS];
  Measure mix;
  Measure refs[MATCH_MAX_REFS];
  double  ref_shape[MATCH_MAX_THIRDS];
  double  ref_side_to_mid;
  double  ref_lufs;
  double  diff_db[MATCH_MAX_THIRDS];   ///< References − mix, shapes, dB
  double  target_db[MATCH_MAX_THIRDS]; ///< Smoothed
  double  fitted_db[MATCH_MAX_THIRDS]; ///< The written EQ's response (× amount)
  double  offset_db;                   ///< The constant beside it (level, for the loudness target)
  Band    bands[MATCH_MAX_BANDS];
  uint32_t n_bands;
  double  mix_side_to_mid;             ///< After the written EQ
  double  width_full;
  double  width;
  bool    width_capped;
  double  target_lufs;
  bool    write_loudness;
} Match;

// The references' measures averaged by weight: spectra shapes (power),
// side-to-mid energies and loudness.
static void
combine_references(AssistContext* ctx, const Reference* refs, size_t n_refs, Match* mt, json_t* list)
{
  double total_weight = 0.0, shape_sum[MATCH_MAX_THIRDS] = {0}, ratio = 0.0, lufs = 0.0;
  for (size_t r = 0; r < n_refs; ++r) {
    const Measure*   m   = &mt->refs[r];
    const Reference* ref = &refs[r];
    double           shape[MATCH_MAX_THIRDS];
    match_normalise(m->mid, mt->thirds.n_thirds, shape);
    const double sm = match_side_to_mid(&mt->thirds, m->mid, m->side, NULL);
    for (uint32_t t = 0; t < mt->thirds.n_thirds; ++t) {
      shape_sum[t] += ref->weight * shape[t];
    }
    ratio += ref->weight * sm;
    lufs += ref->weight * m->loudness_lufs;
    total_weight += ref->weight;
    json_array_append_new(list, json_pack("{s:s, s:o, s:o, s:o, s:o}", "file", ref->path, "weight",
                                          assist_json_number(ref->weight, 3), "seconds",
                                          assist_json_number(m->seconds, 2), "loudness_lufs",
                                          assist_json_number(m->loudness_lufs, 2), "side_to_mid_db",
                                          assist_json_number(10.0 * log10(sm), 2)));
    assist_say(ctx, "reference %s: %.1f s, %.2f LUFS, side/mid %.2f dB (weight %g)", ref->path, m->seconds,
               m->loudness_lufs, 10.0 * log10(sm), ref->weight);
  }
  for (uint32_t t = 0; t < mt->thirds.n_thirds; ++t) {
    mt->ref_shape[t] = shape_sum[t] / total_weight;
  }
  mt->ref_side_to_mid = ratio / total_weight;
  mt->ref_lufs        = lufs / total_weight;
}

// The match's pair at the end of the master's chain: an eq of shelves and
// bells (at most 8, constant values) then a stereo of constant width and no
// mono bass.  Returns the eq's number (the stereo is the next), 0 if none.
static uint32_t
own_pair(AssistContext* ctx)
{
  const uint32_t stereo = assist_own_insert(ctx, "/master", "stereo", NULL);
  if (stereo < 2U) {
    return 0;
  }
  json_t*     list = assist_inserts(ctx, "/master");
  json_t*     eq   = json_array_get(list, stereo - 2U);
  json_t*     st   = json_array_get(list, stereo - 1U);
  const char* type = json_string_value(json_object_get(eq, "type"));
  bool        ours = type && strcmp(type, "eq") == 0 && json_is_number(json_object_get(st, "width"));
  json_t*     mono = json_object_get(st, "mono_below");
  ours             = ours && (!mono || (json_is_number(mono) && json_number_value(mono) == 0.0));
  json_t* bands    = json_object_get(eq, "bands");
  ours             = ours && json_is_array(bands) && json_array_size(bands) <= MATCH_MAX_BANDS;
  for (size_t i = 0; ours && i < json_array_size(bands); ++i) {
    json_t*     band = json_array_get(bands, i);
    const char* bt   = json_string_value(json_object_get(band, "type"));
    ours = bt && (strcmp(bt, "bell") == 0 || strcmp(bt, "lowshelf") == 0 || strcmp(bt, "highshelf") == 0) &&
           json_is_number(json_object_get(band, "gain_db"));
  }
  json_decref(list);
  return ours ? stereo - 1U : 0U;
}

// Before the mix is heard: an earlier run's pair goes (so the mix is heard without it).
static MixdownStatus
remove_earlier_pair(AssistContext* ctx)
{
  const uint32_t own = own_pair(ctx);
  if (!own) {
    return MIXDOWN_SUCCESS;
  }
  assist_say(ctx, "an earlier match's eq and stereo (master inserts %u and %u) replaced:", own, own + 1U);
  const MixdownStatus st = assist_remove(ctx, "/master/inserts", own + 1U);
  return st == MIXDOWN_SUCCESS ? assist_remove(ctx, "/master/inserts", own) : st;
}

static void
decide_eq(AssistContext* ctx, const Grid* grid, Match* mt)
{
  const uint32_t n = mt->thirds.n_thirds;
  double         mix_shape[MATCH_MAX_THIRDS];
  match_normalise(mt->mix.mid, n, mix_shape);
  for (uint32_t t = 0; t < n; ++t) {
    const double d = mix_shape[t] > 0.0 && mt->ref_shape[t] > 0.0 ? 10.0 * log10(mt->ref_shape[t] / mix_shape[t])
                     : mt->ref_shape[t] > 0.0                     ? MATCH_DIFF_CAP_DB
                     : mix_shape[t] > 0.0                         ? -MATCH_DIFF_CAP_DB
                                                                  : 0.0;
    mt->diff_db[t] = fmax(-MATCH_DIFF_CAP_DB, fmin(MATCH_DIFF_CAP_DB, d));
  }
  match_smooth(mt->diff_db, n, assist_number(ctx, "smoothing"), mt->target_db);
  const double max_gain = assist_number(ctx, "max-gain");
  const uint32_t n_bands = match_fit_bands(grid, &mt->thirds, mt->target_db, (uint32_t)assist_number(ctx, "bands"),
                                     max_gain, mt->bands);
  // what is written: gains × amount, rounded as written; bands that round to 0 dB are left out
  uint32_t kept = 0;
  for (uint32_t i = 0; i < n_bands; ++i) {
    Band b    = mt->bands[i];
    b.gain_db = round(10.0 * b.gain_db * mt->amounts[DIM_EQ]) / 10.0;
    b.freq_hz = round(b.freq_hz);
    b.q       = round(100.0 * b.q) / 100.0;
    if (b.gain_db != 0.0) {
      mt->bands[kept++] = b;
    }
  }
  mt->n_bands = kept;
  match_eq_response(grid, mt->bands, kept, mt->fitted_db);
  double mean = 0.0;
  for (uint32_t t = 0; t < n; ++t) {
    mean += (mt->amounts[DIM_EQ] * mt->target_db[t] - mt->fitted_db[t]) / n;
  }
  mt->offset_db = mean;
}

static void
decide_width_and_loudness(Match* mt)
{
  mt->mix_side_to_mid = match_side_to_mid(&mt->thirds, mt->mix.mid, mt->mix.side, mt->fitted_db);
  // the stereo insert scales the side by `width`: side/mid energy by width²
  double full = mt->mix_side_to_mid > 1e-9 ? sqrt(mt->ref_side_to_mid / mt->mix_side_to_mid) : 1.0;
  mt->width_capped = full > 2.0;
  full             = fmin(full, 2.0);
  mt->width_full   = full;
  mt->width        = round(100.0 * (1.0 + mt->amounts[DIM_WIDTH] * (full - 1.0))) / 100.0;
  mt->write_loudness = mt->amounts[DIM_LOUDNESS] > 0.0 && isfinite(mt->mix.loudness_lufs);
  mt->target_lufs    = round(100.0 * (mt->mix.loudness_lufs +
                                   mt->amounts[DIM_LOUDNESS] * (mt->ref_lufs - mt->mix.loudness_lufs))) / 100.0;
}

static char*
eq_yaml(const Match* mt)
{
  char*  out  = malloc(96U + MATCH_MAX_BANDS * 96U);
  size_t used = 0;
  if (!out) {
    return NULL;
  }
  used += (size_t)sprintf(out + used, "{type: eq, bands: [");
  for (uint32_t i = 0; i < mt->n_bands; ++i) {
    const Band* b = &mt->bands[i];
    used += (size_t)sprintf(out + used, "%s{type: %s, freq: %.0f, gain_db: %.1f, q: %.2f}", i ? ", " : "",
                            match_shape_names[b->shape], b->freq_hz, b->gain_db, b->q);
  }
  sprintf(out + used, "]}");
  return out;
}

static MixdownStatus
write_match(AssistContext* ctx, const Match* mt)
{
  char* eq = eq_yaml(mt);
  if (!eq) {
    return assist_fail(ctx, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  MixdownStatus st = assist_append(ctx, "/master/inserts", eq);
  free(eq);
  char stereo[64];
  snprintf(stereo, sizeof stereo, "{type: stereo, width: %.2f}", mt->width);
  if (st == MIXDOWN_SUCCESS) {
    st = assist_append(ctx, "/master/inserts", stereo);
  }
  if (st == MIXDOWN_SUCCESS && mt->write_loudness) {
    st = assist_set_number(ctx, "/master/loudness/target_lufs", mt->target_lufs, 2);
  }
  return st;
}

static void
report_match(AssistContext* ctx, const Match* mt)
{
  const uint32_t n      = mt->thirds.n_thirds;
  json_t*        thirds = json_array();
  assist_say(ctx, "third octave   difference  smoothed  fitted EQ  left over   (dB; reference − mix, shapes; the EQ's "
                  "response is its design, left over is estimated from the analysis, not measured on a render)");
  double worst_before = 0.0, worst_after = 0.0;
  for (uint32_t t = 0; t < n; ++t) {
    const double left = mt->diff_db[t] - mt->fitted_db[t] - mt->offset_db;
    worst_before      = fmax(worst_before, fabs(mt->diff_db[t]));
    worst_after       = fmax(worst_after, fabs(left));
    assist_say(ctx, "  %8.0f Hz  %+9.2f  %+8.2f  %+9.2f  %+9.2f", mt->thirds.centres_hz[t], mt->diff_db[t],
               mt->target_db[t], mt->fitted_db[t], left);
    json_array_append_new(thirds, json_pack("{s:o, s:o, s:o, s:o, s:o}", "hz",
                                            assist_json_number(mt->thirds.centres_hz[t], 1), "difference_db",
                                            assist_json_number(mt->diff_db[t], 2), "smoothed_db",
                                            assist_json_number(mt->target_db[t], 2), "fitted_db",
                                            assist_json_number(mt->fitted_db[t], 2), "left_estimated_db",
                                            assist_json_number(left, 2)));
  }
  json_t* bands = json_array();
  for (uint32_t i = 0; i < mt->n_bands; ++i) {
    const Band* b = &mt->bands[i];
    json_array_append_new(bands, json_pack("{s:s, s:o, s:o, s:o}", "type", match_shape_names[b->shape], "freq",
                                           assist_json_number(b->freq_hz, 0), "gain_db",
                                           assist_json_number(b->gain_db, 1), "q", assist_json_number(b->q, 2)));
    assist_say(ctx, "EQ band %u: %s %.0f Hz %+.1f dB q %.2f", i + 1U, match_shape_names[b->shape], b->freq_hz, b->gain_db,
               b->q);
  }
  assist_say(ctx, "EQ (%.0f %%): %u band%s; largest difference %.2f dB, largest left over %.2f dB (estimated; level "
             "%+.2f dB left to the loudness target)",
             100.0 * mt->amounts[DIM_EQ], mt->n_bands, mt->n_bands == 1U ? "" : "s", worst_before, worst_after,
             mt->offset_db);
  assist_say(ctx, "width (%.0f %%): side/mid %.2f dB (mix, estimated after the EQ from the analysis), %.2f dB "
             "(reference) → width %.2f%s",
             100.0 * mt->amounts[DIM_WIDTH], 10.0 * log10(mt->mix_side_to_mid), 10.0 * log10(mt->ref_side_to_mid),
             mt->width, mt->width_capped ? " (the stereo insert's largest; the reference is wider still)" : "");
  if (mt->write_loudness) {
    assist_say(ctx, "loudness (%.0f %%): mix %.2f LUFS, reference %.2f LUFS → target %.2f LUFS",
               100.0 * mt->amounts[DIM_LOUDNESS], mt->mix.loudness_lufs, mt->ref_lufs, mt->target_lufs);
  } else {
    assist_say(ctx, "loudness: mix %.2f LUFS, reference %.2f LUFS; no target written (amount 0 %% or a silent mix)",
               mt->mix.loudness_lufs, mt->ref_lufs);
  }
  assist_report_set(ctx, "amounts_pct", json_pack("{s:o, s:o, s:o}", "eq", assist_json_number(100.0 * mt->amounts[0], 1),
                                                  "width", assist_json_number(100.0 * mt->amounts[1], 1), "loudness",
                                                  assist_json_number(100.0 * mt->amounts[2], 1)));
  assist_report_set(ctx, "thirds", thirds);
  assist_report_set(ctx, "bands", bands);
  assist_report_set(ctx, "eq", json_pack("{s:s, s:o, s:o, s:o}", "basis", "analysis", "largest_difference_db",
                                         assist_json_number(worst_before, 2), "largest_left_estimated_db",
                                         assist_json_number(worst_after, 2), "level_db",
                                         assist_json_number(mt->offset_db, 2)));
  assist_report_set(ctx, "width",
                    json_pack("{s:s, s:o, s:o, s:o, s:o, s:b}", "basis", "analysis", "mix_side_to_mid_estimated_db",
                              assist_json_number(10.0 * log10(mt->mix_side_to_mid), 2), "reference_side_to_mid_db",
                              assist_json_number(10.0 * log10(mt->ref_side_to_mid), 2), "full",
                              assist_json_number(mt->width_full, 3), "width", assist_json_number(mt->width, 2),
                              "capped", mt->width_capped));
  assist_report_set(ctx, "loudness",
                    json_pack("{s:o, s:o, s:o}", "mix_lufs", assist_json_number(mt->mix.loudness_lufs, 2),
                              "reference_lufs", assist_json_number(mt->ref_lufs, 2), "target_lufs",
                              mt->write_loudness ? assist_json_number(mt->target_lufs, 2) : json_null()));
}

static MixdownStatus
match_run(AssistContext* ctx)
{
  Match* mt = calloc(1U, sizeof *mt);
  if (!mt) {
    return assist_fail(ctx, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  Reference*    refs   = NULL;
  size_t        n_refs = 0;
  MixdownStatus st     = MIXDOWN_ERR_BAD_ARG;
  EqLayout      layout;
  if (!match_eq_layout(&layout)) {
    st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "the eq processor's table has changed: match cannot design its bands");
  } else if (read_amounts(ctx, mt->amounts) && (n_refs = read_references(ctx, &refs)) > 0U) {
    mt->thirds.n_thirds = assist_third_octave_edges(MATCH_LOW_HZ, MATCH_HIGH_HZ, mt->thirds.edges_hz,
                                                    mt->thirds.centres_hz, MATCH_MAX_THIRDS + 1U);
    uint32_t rate = 0;
    st = match_listen(ctx, &mt->thirds, refs, n_refs, remove_earlier_pair, mt->refs, &mt->mix, &rate);
    if (st == MIXDOWN_SUCCESS && !isfinite(mt->mix.loudness_lufs)) {
      st = assist_fail(ctx, MIXDOWN_ERR_SESSION, "the mix is silent (or shorter than 400 ms): nothing to match");
    }
    if (st == MIXDOWN_SUCCESS) {
      json_t* ref_list = json_array();
      assist_report_set(ctx, "references", ref_list);
      combine_references(ctx, refs, n_refs, mt, ref_list);
      Grid grid;
      match_grid_init(&grid, &layout, rate, &mt->thirds);
      decide_eq(ctx, &grid, mt);
      decide_width_and_loudness(mt);
      report_match(ctx, mt);
      st = write_match(ctx, mt);
    }
  }
  references_free(refs, n_refs);
  free(mt);
  return st;
}

const AssistKind assist_match = {
  .name        = "match",
  .description = "EQ, width and loudness moved towards reference mixes (an eq and a stereo insert on the master, "
                 "master.loudness)",
  .options     = match_options,
  .n_options   = sizeof match_options / sizeof match_options[0],
  .run         = match_run,
};
