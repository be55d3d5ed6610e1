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

#include "dsp/eq.h"
#include "util/suggest.h"

#include <ebur128.h>
#include <math.h>
#include <pthread.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MATCH_LOW_HZ      50.0
#define MATCH_HIGH_HZ     16000.0
#define MATCH_MAX_THIRDS  32U
#define MATCH_MAX_BANDS   8U
#define MATCH_MAX_REFS    16U
#define MATCH_SUBPOINTS   7U    // frequencies per third octave the EQ's response is averaged over
#define MATCH_READ_FRAMES 4096U
#define MATCH_DIFF_CAP_DB 24.0  // a band silent on one side asks for no more than this
#define MATCH_GOOD_DB     0.1   // greedy placement stops when no band is further off than this
// The K weights of the width are taken at one rate for every file (a file's
// own rate changes them by hundredths of a dB below 16 kHz).
#define MATCH_K_RATE      48000U
#define MATCH_RIDGE       1e-3  // keeps overlapping bands from fighting (dB² per dB² of gain)

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

typedef struct {
  char*  path;
  double weight;
} Reference;

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

/* --- listening: long-term spectrum, side-to-mid, loudness ----------------- */

typedef struct {
  uint32_t n_thirds;
  double   edges_hz[MATCH_MAX_THIRDS + 1U];
  double   centres_hz[MATCH_MAX_THIRDS];
} Thirds;

/// What one signal measured: mid and side power per third octave (mean
/// square), integrated loudness.
typedef struct {
  double mid[MATCH_MAX_THIRDS];
  double side[MATCH_MAX_THIRDS];
  double loudness_lufs;
  double seconds;
} Measure;

typedef struct {
  const Thirds*  thirds;
  AssistBands*   mid;
  AssistBands*   side;
  ebur128_state* meter;
  uint32_t       channels;
  float*         scratch; ///< Negated right (side), then interleaved (loudness)
  size_t         scratch_frames;
  uint64_t       frames;
  uint32_t       rate;
} Listener;

// FFT frames of a second or more (65536 at 44.1 and 48 kHz): bins under
// 0.75 Hz, so a partial near a third octave's edge (a bass note at 55 Hz
// sits 1 Hz from the 50 Hz band's top) leaks the same way at any rate.
// With 0.3 s frames a reference at 44.1 kHz read the same mix up to 1.5 dB
// differently per third from one at 48 kHz on a tonal bass.
static uint32_t
fft_size_for(uint32_t rate)
{
  uint32_t n = 256U;
  while (n < 65536U && n < rate) {
    n *= 2U;
  }
  return n;
}

static MixdownStatus
listener_open(Listener* l, const Thirds* thirds, uint32_t rate, uint32_t channels)
{
  *l          = (Listener){.thirds = thirds, .channels = channels, .rate = rate};
  const uint32_t fft = fft_size_for(rate);
  l->mid      = assist_bands_new(rate, fft, thirds->edges_hz, thirds->n_thirds, false);
  l->side     = assist_bands_new(rate, fft, thirds->edges_hz, thirds->n_thirds, false);
  l->meter    = ebur128_init(channels, rate, EBUR128_MODE_I);
  return l->mid && l->side && l->meter ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
}

static void
listener_free(Listener* l)
{
  assist_bands_free(l->mid);
  assist_bands_free(l->side);
  if (l->meter) {
    ebur128_destroy(&l->meter);
  }
  free(l->scratch);
}

// `right` NULL: mono (no side).
static MixdownStatus
listener_feed(Listener* l, const float* left, const float* right, uint32_t frames)
{
  if (frames > l->scratch_frames) {
    free(l->scratch);
    l->scratch        = malloc(2U * (size_t)frames * sizeof *l->scratch);
    l->scratch_frames = l->scratch ? frames : 0U;
    if (!l->scratch) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  MixdownStatus st = assist_bands_feed(l->mid, left, right, frames);
  // side = (L − R) / 2: the feeder's mean of L and −R; silence for mono
  for (uint32_t i = 0; i < frames; ++i) {
    l->scratch[i] = right ? -right[i] : -left[i];
  }
  if (st == MIXDOWN_SUCCESS) {
    st = assist_bands_feed(l->side, left, l->scratch, frames);
  }
  if (l->channels == 2U) {
    for (uint32_t i = 0; i < frames; ++i) {
      l->scratch[2U * i]      = left[i];
      l->scratch[2U * i + 1U] = right[i];
    }
    ebur128_add_frames_float(l->meter, l->scratch, frames);
  } else {
    ebur128_add_frames_float(l->meter, left, frames);
  }
  l->frames += frames;
  return st;
}

static void
listener_result(const Listener* l, Measure* m)
{
  assist_bands_mean(l->mid, m->mid);
  assist_bands_mean(l->side, m->side);
  double lufs = -HUGE_VAL;
  if (ebur128_loudness_global(l->meter, &lufs) != EBUR128_SUCCESS) {
    lufs = -HUGE_VAL;
  }
  m->loudness_lufs = lufs;
  m->seconds       = (double)l->frames / l->rate;
}

/// A reference being listened to.  FFTW's planner is not thread-safe (its
/// plans run on any thread): the file and its listener are opened and
/// closed on the calling thread, only the reading may run on another.
typedef struct {
  SNDFILE* file;
  SF_INFO  info;
  Listener listener;
  bool     open;
} RefInput;

static MixdownStatus
ref_input_open(AssistContext* ctx, const Thirds* thirds, const char* path, RefInput* in)
{
  in->file = sf_open(path, SFM_READ, &in->info);
  if (!in->file) {
    return assist_fail(ctx, MIXDOWN_ERR_IO, "--ref %s: cannot be read (%s)", path, sf_strerror(NULL));
  }
  in->open = true;
  return listener_open(&in->listener, thirds, (uint32_t)in->info.samplerate, (uint32_t)in->info.channels);
}

static void
ref_input_close(RefInput* in)
{
  if (in->open) {
    listener_free(&in->listener);
  }
  if (in->file) {
    sf_close(in->file);
  }
  in->open = false;
  in->file = NULL;
}

static MixdownStatus
ref_input_listen(RefInput* in, Measure* m)
{
  const uint32_t channels = (uint32_t)in->info.channels;
  float*         frame    = malloc((size_t)MATCH_READ_FRAMES * channels * sizeof *frame);
  float*         left     = malloc(MATCH_READ_FRAMES * sizeof *left);
  float*         right    = malloc(MATCH_READ_FRAMES * sizeof *right);
  MixdownStatus  st       = frame && left && right ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
  while (st == MIXDOWN_SUCCESS) {
    const sf_count_t got = sf_readf_float(in->file, frame, MATCH_READ_FRAMES);
    if (got <= 0) {
      break;
    }
    for (sf_count_t i = 0; i < got; ++i) {
      left[i]  = frame[i * channels];
      right[i] = frame[i * channels + channels - 1U];
    }
    st = listener_feed(&in->listener, left, channels == 2U ? right : NULL, (uint32_t)got);
  }
  if (st == MIXDOWN_SUCCESS) {
    listener_result(&in->listener, m);
  }
  free(frame);
  free(left);
  free(right);
  return st;
}

typedef struct {
  Listener      listener;
  const Thirds* thirds;
  bool          open;
} MixListen;

static MixdownStatus
mix_begin(void* user_data, const AssistRenderInfo* info)
{
  MixListen* ml = user_data;
  ml->open      = true;
  return listener_open(&ml->listener, ml->thirds, info->rate, 2U);
}

static MixdownStatus
mix_block(void* user_data, uint64_t first_frame, const float* left, const float* right, const float* const* stems,
          uint32_t frames)
{
  (void)first_frame;
  (void)stems;
  MixListen* ml = user_data;
  return listener_feed(&ml->listener, left, right, frames);
}

/* --- the EQ's response, as the eq processor computes it ------------------- */

typedef enum { SHAPE_LOWSHELF, SHAPE_HIGHSHELF, SHAPE_BELL, N_SHAPES } Shape;

static const char* const shape_names[N_SHAPES] = {"lowshelf", "highshelf", "bell"};

/// Where a band's fields sit in the eq processor's value slots, read from
/// its public parameter table (so a change of layout there is followed here).
typedef struct {
  uint32_t n_fields;
  int      type, freq, gain, q, slope;
  double   shape_index[N_SHAPES];
  double   slope_default;
} EqLayout;

static bool
eq_layout(EqLayout* lay)
{
  uint32_t eq = UINT32_MAX;
  for (uint32_t i = 0; i < mixdown_processor_count(); ++i) {
    if (strcmp(mixdown_processor_name(i), "eq") == 0) {
      eq = i;
    }
  }
  uint32_t max_items = 0;
  lay->n_fields      = eq == UINT32_MAX ? 0U : mixdown_processor_param_field_count(eq, 0, &max_items);
  lay->type = lay->freq = lay->gain = lay->q = lay->slope = -1;
  for (uint32_t f = 0; f < lay->n_fields; ++f) {
    const MixdownParamInfo* info = mixdown_processor_param_field(eq, 0, f);
    int* const slot = strcmp(info->name, "type") == 0      ? &lay->type
                      : strcmp(info->name, "freq") == 0    ? &lay->freq
                      : strcmp(info->name, "gain_db") == 0 ? &lay->gain
                      : strcmp(info->name, "q") == 0       ? &lay->q
                      : strcmp(info->name, "slope") == 0   ? &lay->slope
                                                           : NULL;
    if (slot) {
      *slot = (int)f;
    }
    if (slot == &lay->slope) {
      lay->slope_default = info->default_value;
    }
    for (uint32_t s = 0; slot == &lay->type && s < N_SHAPES; ++s) {
      lay->shape_index[s] = -1.0;
      for (uint32_t c = 0; info->choices && info->choices[c]; ++c) {
        if (strcmp(info->choices[c], shape_names[s]) == 0) {
          lay->shape_index[s] = (double)c;
        }
      }
    }
  }
  return lay->type >= 0 && lay->freq >= 0 && lay->gain >= 0 && lay->q >= 0 && lay->slope >= 0 &&
         lay->shape_index[SHAPE_BELL] >= 0.0 && lay->shape_index[SHAPE_LOWSHELF] >= 0.0 &&
         lay->shape_index[SHAPE_HIGHSHELF] >= 0.0 && lay->n_fields <= 16U;
}

typedef struct {
  Shape  shape;
  double freq_hz;
  double gain_db;
  double q;
} Band;

/// The frequencies the response is evaluated at: MATCH_SUBPOINTS per third
/// octave, evenly in log frequency across the band.
typedef struct {
  const EqLayout* layout;
  double          rate_hz;
  uint32_t        n_thirds;
  uint32_t        n_points;
  double          freqs_hz[MATCH_MAX_THIRDS * MATCH_SUBPOINTS];
} Grid;

// One band's response in dB at every grid point (the processor's own design).
static void
band_response(const Grid* g, const Band* b, double* out_db)
{
  double values[1U + 16U] = {0};
  values[0]                                      = 1.0;
  values[1 + g->layout->type]                    = g->layout->shape_index[b->shape];
  values[1 + g->layout->freq]                    = b->freq_hz;
  values[1 + g->layout->gain]                    = b->gain_db;
  values[1 + g->layout->q]                       = b->q;
  values[1 + g->layout->slope]                   = g->layout->slope_default;
  md_eq_response_db(values, g->rate_hz, g->freqs_hz, g->n_points, out_db);
}

// Per third octave, the power mean of the summed dB responses over its points.
static void
thirds_response(const Grid* g, const double* point_db, double* third_db)
{
  for (uint32_t t = 0; t < g->n_thirds; ++t) {
    double power = 0.0;
    for (uint32_t j = 0; j < MATCH_SUBPOINTS; ++j) {
      power += pow(10.0, point_db[t * MATCH_SUBPOINTS + j] / 10.0);
    }
    third_db[t] = 10.0 * log10(power / MATCH_SUBPOINTS);
  }
}

// The whole EQ's response per third octave.
static void
eq_thirds_response(const Grid* g, const Band* bands, uint32_t n, double* third_db)
{
  double sum[MATCH_MAX_THIRDS * MATCH_SUBPOINTS] = {0};
  double one[MATCH_MAX_THIRDS * MATCH_SUBPOINTS];
  for (uint32_t i = 0; i < n; ++i) {
    band_response(g, &bands[i], one);
    for (uint32_t k = 0; k < g->n_points; ++k) {
      sum[k] += one[k];
    }
  }
  thirds_response(g, sum, third_db);
}

/* --- fitting ------------------------------------------------------------- */

// Solves the n×n system a·x = b in place (Gaussian elimination, partial
// pivoting); false when singular.
static bool
solve(double* a, double* b, uint32_t n)
{
  for (uint32_t c = 0; c < n; ++c) {
    uint32_t p = c;
    for (uint32_t r = c + 1U; r < n; ++r) {
      if (fabs(a[r * n + c]) > fabs(a[p * n + c])) {
        p = r;
      }
    }
    if (fabs(a[p * n + c]) < 1e-12) {
      return false;
    }
    for (uint32_t k = 0; k < n; ++k) {
      const double t = a[c * n + k];
      a[c * n + k]   = a[p * n + k];
      a[p * n + k]   = t;
    }
    const double t = b[c];
    b[c]           = b[p];
    b[p]           = t;
    for (uint32_t r = c + 1U; r < n; ++r) {
      const double f = a[r * n + c] / a[c * n + c];
      for (uint32_t k = c; k < n; ++k) {
        a[r * n + k] -= f * a[c * n + k];
      }
      b[r] -= f * b[c];
    }
  }
  for (uint32_t c = n; c-- > 0U;) {
    for (uint32_t k = c + 1U; k < n; ++k) {
      b[c] -= a[c * n + k] * b[k];
    }
    b[c] /= a[c * n + c];
  }
  return true;
}

/// A candidate band and its response per third octave per dB of gain.
typedef struct {
  Band   band;
  double per_db[MATCH_MAX_THIRDS];
} Candidate;

#define MATCH_MAX_CANDIDATES 256U

// The linear least-squares gains of `chosen` candidates plus a constant for
// `target`; returns the squared residual (ridge included).
static double
linear_fit(const Candidate* cands, const uint32_t* chosen, uint32_t n, const double* target, uint32_t n_thirds,
           double max_gain_db, double* gains)
{
  const uint32_t m = n + 1U; // the gains, then the constant
  double         a[(MATCH_MAX_BANDS + 1U) * (MATCH_MAX_BANDS + 1U)] = {0};
  double         b[MATCH_MAX_BANDS + 1U]                             = {0};
  for (uint32_t t = 0; t < n_thirds; ++t) {
    double row[MATCH_MAX_BANDS + 1U];
    for (uint32_t i = 0; i < n; ++i) {
      row[i] = cands[chosen[i]].per_db[t];
    }
    row[n] = 1.0;
    for (uint32_t i = 0; i < m; ++i) {
      for (uint32_t k = 0; k < m; ++k) {
        a[i * m + k] += row[i] * row[k];
      }
      b[i] += row[i] * target[t];
    }
  }
  for (uint32_t i = 0; i < n; ++i) {
    a[i * m + i] += MATCH_RIDGE;
  }
  if (!solve(a, b, m)) {
    return HUGE_VAL;
  }
  double cost = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    gains[i] = fmax(-max_gain_db, fmin(max_gain_db, b[i]));
    cost += MATCH_RIDGE * gains[i] * gains[i];
  }
  double worst = 0.0;
  for (uint32_t t = 0; t < n_thirds; ++t) {
    double e = target[t] - b[n];
    for (uint32_t i = 0; i < n; ++i) {
      e -= gains[i] * cands[chosen[i]].per_db[t];
    }
    cost += e * e;
    worst = fmax(worst, fabs(e));
  }
  gains[n] = worst;
  return cost;
}

// Shelves at the low and high thirds (two slopes), bells at every third (five widths).
static uint32_t
make_candidates(const Grid* g, const Thirds* thirds, Candidate* cands)
{
  static const double bell_q[]  = {0.5, 0.8, 1.2, 2.0, 3.5};
  static const double shelf_q[] = {0.5, 0.7071};
  uint32_t            n         = 0;
  for (uint32_t t = 0; t < thirds->n_thirds; ++t) {
    const double hz = thirds->centres_hz[t];
    for (size_t q = 0; q < sizeof bell_q / sizeof *bell_q && n < MATCH_MAX_CANDIDATES; ++q) {
      cands[n++].band = (Band){SHAPE_BELL, hz, 6.0, bell_q[q]};
    }
    for (size_t q = 0; q < sizeof shelf_q / sizeof *shelf_q && n + 1U < MATCH_MAX_CANDIDATES; ++q) {
      if (hz <= 600.0) {
        cands[n++].band = (Band){SHAPE_LOWSHELF, hz, 6.0, shelf_q[q]};
      }
      if (hz >= 1500.0) {
        cands[n++].band = (Band){SHAPE_HIGHSHELF, hz, 6.0, shelf_q[q]};
      }
    }
  }
  for (uint32_t c = 0; c < n; ++c) {
    eq_thirds_response(g, &cands[c].band, 1U, cands[c].per_db);
    for (uint32_t t = 0; t < thirds->n_thirds; ++t) {
      cands[c].per_db[t] /= 6.0;
    }
  }
  return n;
}

/// The parameters the refinement moves: per band gain (dB), log2 frequency
/// and ln Q, then the constant.
enum { PARAMS_PER_BAND = 3 };

static void
bands_from_params(const double* p, const Band* shapes, uint32_t n, double rate_hz, double max_gain_db, Band* out)
{
  for (uint32_t i = 0; i < n; ++i) {
    out[i]         = shapes[i];
    out[i].gain_db = fmax(-max_gain_db, fmin(max_gain_db, p[PARAMS_PER_BAND * i]));
    out[i].freq_hz = fmax(20.0, fmin(fmin(20000.0, 0.45 * rate_hz), exp2(p[PARAMS_PER_BAND * i + 1U])));
    out[i].q       = fmax(0.3, fmin(6.0, exp(p[PARAMS_PER_BAND * i + 2U])));
  }
}

// Residuals (target − constant − response) per third and the cost with the ridge.
static double
residuals(const Grid* g, const double* p, const Band* shapes, uint32_t n, const double* target, double max_gain_db,
          double* e)
{
  Band bands[MATCH_MAX_BANDS];
  bands_from_params(p, shapes, n, g->rate_hz, max_gain_db, bands);
  double response[MATCH_MAX_THIRDS];
  eq_thirds_response(g, bands, n, response);
  const double c    = p[PARAMS_PER_BAND * n];
  double       cost = 0.0;
  for (uint32_t t = 0; t < g->n_thirds; ++t) {
    e[t] = target[t] - c - response[t];
    cost += e[t] * e[t];
  }
  for (uint32_t i = 0; i < n; ++i) {
    cost += MATCH_RIDGE * bands[i].gain_db * bands[i].gain_db;
  }
  return cost;
}

// Levenberg–Marquardt on every band's gain, frequency and Q together, from
// the greedy placement, with the real (not linearised) response.
static void
refine_bands(const Grid* g, Band* bands, uint32_t n, const double* target, double max_gain_db)
{
  if (!n) {
    return;
  }
  enum { MAX_P = MATCH_MAX_BANDS * PARAMS_PER_BAND + 1 };
  const uint32_t np = PARAMS_PER_BAND * n + 1U;
  double         p[MAX_P];
  for (uint32_t i = 0; i < n; ++i) {
    p[PARAMS_PER_BAND * i]      = bands[i].gain_db;
    p[PARAMS_PER_BAND * i + 1U] = log2(bands[i].freq_hz);
    p[PARAMS_PER_BAND * i + 2U] = log(bands[i].q);
  }
  p[np - 1U] = 0.0;
  double e[MATCH_MAX_THIRDS];
  residuals(g, p, bands, n, target, max_gain_db, e);
  double mean = 0.0;
  for (uint32_t t = 0; t < g->n_thirds; ++t) {
    mean += e[t] / g->n_thirds;
  }
  p[np - 1U]  = mean;
  double cost = residuals(g, p, bands, n, target, max_gain_db, e);
  double mu   = 1e-2;
  static const double step[PARAMS_PER_BAND] = {0.05, 0.005, 0.005};
  for (int iter = 0; iter < 40; ++iter) {
    double jac[MAX_P][MATCH_MAX_THIRDS];
    for (uint32_t k = 0; k < np; ++k) {
      double       q[MAX_P], ek[MATCH_MAX_THIRDS];
      const double h = k + 1U == np ? 0.05 : step[k % PARAMS_PER_BAND];
      memcpy(q, p, sizeof q);
      q[k] += h;
      residuals(g, q, bands, n, target, max_gain_db, ek);
      for (uint32_t t = 0; t < g->n_thirds; ++t) {
        jac[k][t] = (e[t] - ek[t]) / h; // d(response + c)/dp
      }
    }
    double a[MAX_P * MAX_P], b[MAX_P];
    for (uint32_t i = 0; i < np; ++i) {
      b[i] = 0.0;
      for (uint32_t t = 0; t < g->n_thirds; ++t) {
        b[i] += jac[i][t] * e[t];
      }
      if (i + 1U < np && i % PARAMS_PER_BAND == 0U) {
        b[i] -= MATCH_RIDGE * p[i];
      }
      for (uint32_t k = 0; k < np; ++k) {
        double s = 0.0;
        for (uint32_t t = 0; t < g->n_thirds; ++t) {
          s += jac[i][t] * jac[k][t];
        }
        a[i * np + k] = s;
      }
      if (i + 1U < np && i % PARAMS_PER_BAND == 0U) {
        a[i * np + i] += MATCH_RIDGE;
      }
      a[i * np + i] += mu * (a[i * np + i] + 1e-6);
    }
    if (!solve(a, b, np)) {
      break;
    }
    double trial[MAX_P], e_trial[MATCH_MAX_THIRDS];
    for (uint32_t i = 0; i < np; ++i) {
      trial[i] = p[i] + b[i];
    }
    const double trial_cost = residuals(g, trial, bands, n, target, max_gain_db, e_trial);
    if (trial_cost < cost) {
      const bool settled = cost - trial_cost < 1e-7 * (1.0 + cost);
      memcpy(p, trial, sizeof p);
      memcpy(e, e_trial, sizeof e);
      cost = trial_cost;
      mu   = fmax(mu / 3.0, 1e-7);
      if (settled) {
        break;
      }
    } else {
      mu *= 4.0;
      if (mu > 1e6) {
        break;
      }
    }
  }
  Band out[MATCH_MAX_BANDS];
  bands_from_params(p, bands, n, g->rate_hz, max_gain_db, out);
  memcpy(bands, out, n * sizeof *bands);
}

// The real residual of `bands` with the constant at its best: the squared
// sum, and the worst third into `worst`.
static double
fit_cost(const Grid* g, const Band* bands, uint32_t n, const double* target, double* worst)
{
  double response[MATCH_MAX_THIRDS], mean = 0.0, cost = 0.0;
  eq_thirds_response(g, bands, n, response);
  for (uint32_t t = 0; t < g->n_thirds; ++t) {
    mean += (target[t] - response[t]) / g->n_thirds;
  }
  *worst = 0.0;
  for (uint32_t t = 0; t < g->n_thirds; ++t) {
    const double e = target[t] - response[t] - mean;
    cost += e * e;
    *worst = fmax(*worst, fabs(e));
  }
  return cost;
}

// Greedy placement: each new band is the candidate that, beside the bands
// already placed (at their refined places), leaves the least residual on the
// linear model; then all are refined together on the real response.  Stops
// at `max_bands`, when no third is further off than MATCH_GOOD_DB, or when a
// band no longer buys a hundredth of what is left.  Returns the band count.
static uint32_t
fit_bands(const Grid* g, const Thirds* thirds, const double* target, uint32_t max_bands, double max_gain_db,
          Band* bands)
{
  Candidate* cands = malloc((MATCH_MAX_CANDIDATES + MATCH_MAX_BANDS) * sizeof *cands);
  if (!cands) {
    return 0;
  }
  const uint32_t n_cands = make_candidates(g, thirds, cands);
  uint32_t       n       = 0;
  double         worst   = 0.0;
  double         cost    = fit_cost(g, bands, 0U, target, &worst);
  while (n < max_bands && worst > MATCH_GOOD_DB) {
    uint32_t chosen[MATCH_MAX_BANDS];
    for (uint32_t i = 0; i < n; ++i) {
      Candidate* placed = &cands[n_cands + i];
      placed->band      = bands[i];
      placed->band.gain_db = 6.0;
      eq_thirds_response(g, &placed->band, 1U, placed->per_db);
      for (uint32_t t = 0; t < thirds->n_thirds; ++t) {
        placed->per_db[t] /= 6.0;
      }
      chosen[i] = n_cands + i;
    }
    uint32_t best      = UINT32_MAX;
    double   best_cost = HUGE_VAL;
    double   gains[MATCH_MAX_BANDS + 1U];
    for (uint32_t c = 0; c < n_cands; ++c) {
      chosen[n]      = c;
      const double k = linear_fit(cands, chosen, n + 1U, target, thirds->n_thirds, max_gain_db, gains);
      if (k < best_cost) {
        best      = c;
        best_cost = k;
      }
    }
    if (best == UINT32_MAX) {
      break;
    }
    chosen[n] = best;
    linear_fit(cands, chosen, n + 1U, target, thirds->n_thirds, max_gain_db, gains);
    Band trial[MATCH_MAX_BANDS];
    memcpy(trial, bands, n * sizeof *trial);
    trial[n] = cands[best].band;
    for (uint32_t i = 0; i <= n; ++i) {
      trial[i].gain_db = gains[i];
    }
    refine_bands(g, trial, n + 1U, target, max_gain_db);
    double       trial_worst = 0.0;
    const double trial_cost  = fit_cost(g, trial, n + 1U, target, &trial_worst);
    if (trial_cost > 0.99 * cost) {
      break;
    }
    memcpy(bands, trial, (n + 1U) * sizeof *bands);
    ++n;
    cost  = trial_cost;
    worst = trial_worst;
  }
  free(cands);
  return n;
}

/* --- the difference to fit ------------------------------------------------ */

// Each spectrum's shape: its power per third as a fraction of its total.
static void
normalise(const double* power, uint32_t n, double* shape)
{
  double total = 0.0;
  for (uint32_t t = 0; t < n; ++t) {
    total += power[t];
  }
  for (uint32_t t = 0; t < n; ++t) {
    shape[t] = total > 0.0 ? power[t] / total : 0.0;
  }
}

// Gaussian smoothing along the log-frequency axis, `width_oct` wide (twice σ).
static void
smooth(const double* in, uint32_t n, double width_oct, double* out)
{
  for (uint32_t t = 0; t < n; ++t) {
    if (width_oct <= 0.0) {
      out[t] = in[t];
      continue;
    }
    const double sigma_thirds = 1.5 * width_oct; // σ = width / 2 octaves, 3 thirds an octave
    double       sum = 0.0, weight = 0.0;
    for (uint32_t k = 0; k < n; ++k) {
      const double d = ((double)k - (double)t) / sigma_thirds;
      const double w = exp(-0.5 * d * d);
      sum += w * in[k];
      weight += w;
    }
    out[t] = sum / weight;
  }
}

/* --- the run --------------------------------------------------------------- */

/// Everything measured and decided, for the writes and the report.
typedef struct {
  Thirds  thirds;
  double  amounts[N_DIMS];
  Measure mix;
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

// K-weighted side-to-mid energy over the thirds (the stereo insert scales
// the side by its width at every frequency, so any weighting gives the same
// width for a plain width change; K weighting keeps the bass from deciding
// alone what a listener hears as width).
static double
side_to_mid(const Thirds* thirds, const double* mid, const double* side, const double* gain_db, uint32_t rate)
{
  double s = 0.0, m = 0.0;
  for (uint32_t t = 0; t < thirds->n_thirds; ++t) {
    const double w = assist_k_weight_power(thirds->centres_hz[t], rate) * (gain_db ? pow(10.0, gain_db[t] / 10.0) : 1.0);
    s += w * side[t];
    m += w * mid[t];
  }
  return m > 0.0 ? s / m : 0.0;
}

/// The references, listened to on a thread of their own while the mix
/// renders (they need nothing of the session): its own copy of the context
/// (no progress, its own message), read back after the join.
typedef struct {
  AssistContext    local;
  const Thirds*    thirds;
  const Reference* refs;
  size_t           n_refs;
  RefInput         inputs[MATCH_MAX_REFS];
  Measure          measures[MATCH_MAX_REFS];
  MixdownStatus    status;
  char             message[1024];
} RefJob;

static void*
ref_job_run(void* arg)
{
  RefJob* job = arg;
  job->status = MIXDOWN_SUCCESS;
  for (size_t r = 0; r < job->n_refs && job->status == MIXDOWN_SUCCESS; ++r) {
    job->status = ref_input_listen(&job->inputs[r], &job->measures[r]);
    if (job->status == MIXDOWN_ERR_NO_MEM) {
      assist_fail(&job->local, job->status, "out of memory");
    }
    if (job->status == MIXDOWN_SUCCESS && !isfinite(job->measures[r].loudness_lufs)) {
      job->status = assist_fail(&job->local, MIXDOWN_ERR_BAD_ARG, "--ref %s: silent (no loudness to match)",
                                job->refs[r].path);
    }
  }
  return NULL;
}

static void
ref_job_init(RefJob* job, AssistContext* ctx, const Thirds* thirds, const Reference* refs, size_t n_refs)
{
  job->local              = *ctx;
  job->local.progress     = NULL;
  job->local.message      = job->message;
  job->local.message_size = sizeof job->message;
  job->message[0]         = '\0';
  job->thirds             = thirds;
  job->refs               = refs;
  job->n_refs             = n_refs;
  job->status             = MIXDOWN_SUCCESS;
  for (size_t r = 0; r < n_refs && job->status == MIXDOWN_SUCCESS; ++r) {
    job->status = ref_input_open(&job->local, thirds, refs[r].path, &job->inputs[r]);
    if (job->status == MIXDOWN_ERR_NO_MEM) {
      assist_fail(&job->local, job->status, "out of memory");
    }
  }
}

static void
ref_job_close(RefJob* job)
{
  for (size_t r = 0; r < job->n_refs; ++r) {
    ref_input_close(&job->inputs[r]);
  }
}

// The references' measures averaged by weight: spectra shapes (power),
// side-to-mid energies and loudness.
static void
combine_references(AssistContext* ctx, const RefJob* job, Match* mt, json_t* list)
{
  double total_weight = 0.0, shape_sum[MATCH_MAX_THIRDS] = {0}, ratio = 0.0, lufs = 0.0;
  for (size_t r = 0; r < job->n_refs; ++r) {
    const Measure*   m   = &job->measures[r];
    const Reference* ref = &job->refs[r];
    double           shape[MATCH_MAX_THIRDS];
    normalise(m->mid, mt->thirds.n_thirds, shape);
    const double sm = side_to_mid(&mt->thirds, m->mid, m->side, NULL, MATCH_K_RATE);
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

static void
decide_eq(AssistContext* ctx, const Grid* grid, Match* mt)
{
  const uint32_t n = mt->thirds.n_thirds;
  double         mix_shape[MATCH_MAX_THIRDS];
  normalise(mt->mix.mid, n, mix_shape);
  for (uint32_t t = 0; t < n; ++t) {
    const double d = mix_shape[t] > 0.0 && mt->ref_shape[t] > 0.0 ? 10.0 * log10(mt->ref_shape[t] / mix_shape[t])
                     : mt->ref_shape[t] > 0.0                     ? MATCH_DIFF_CAP_DB
                     : mix_shape[t] > 0.0                         ? -MATCH_DIFF_CAP_DB
                                                                  : 0.0;
    mt->diff_db[t] = fmax(-MATCH_DIFF_CAP_DB, fmin(MATCH_DIFF_CAP_DB, d));
  }
  smooth(mt->diff_db, n, assist_number(ctx, "smoothing"), mt->target_db);
  const double max_gain = assist_number(ctx, "max-gain");
  const uint32_t n_bands = fit_bands(grid, &mt->thirds, mt->target_db, (uint32_t)assist_number(ctx, "bands"),
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
  eq_thirds_response(grid, mt->bands, kept, mt->fitted_db);
  double mean = 0.0;
  for (uint32_t t = 0; t < n; ++t) {
    mean += (mt->amounts[DIM_EQ] * mt->target_db[t] - mt->fitted_db[t]) / n;
  }
  mt->offset_db = mean;
}

static void
decide_width_and_loudness(Match* mt)
{
  mt->mix_side_to_mid = side_to_mid(&mt->thirds, mt->mix.mid, mt->mix.side, mt->fitted_db, MATCH_K_RATE);
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
                            shape_names[b->shape], b->freq_hz, b->gain_db, b->q);
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
  assist_say(ctx, "third octave   difference  smoothed  fitted EQ  left over   (dB; reference − mix, shapes)");
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
                                            assist_json_number(mt->fitted_db[t], 2), "left_db",
                                            assist_json_number(left, 2)));
  }
  json_t* bands = json_array();
  for (uint32_t i = 0; i < mt->n_bands; ++i) {
    const Band* b = &mt->bands[i];
    json_array_append_new(bands, json_pack("{s:s, s:o, s:o, s:o}", "type", shape_names[b->shape], "freq",
                                           assist_json_number(b->freq_hz, 0), "gain_db",
                                           assist_json_number(b->gain_db, 1), "q", assist_json_number(b->q, 2)));
    assist_say(ctx, "EQ band %u: %s %.0f Hz %+.1f dB q %.2f", i + 1U, shape_names[b->shape], b->freq_hz, b->gain_db,
               b->q);
  }
  assist_say(ctx, "EQ (%.0f %%): %u band%s; largest difference %.2f dB, largest left over %.2f dB (level %+.2f dB left "
             "to the loudness target)",
             100.0 * mt->amounts[DIM_EQ], mt->n_bands, mt->n_bands == 1U ? "" : "s", worst_before, worst_after,
             mt->offset_db);
  assist_say(ctx, "width (%.0f %%): side/mid %.2f dB (mix, after the EQ), %.2f dB (reference) → width %.2f%s",
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
  assist_report_set(ctx, "eq", json_pack("{s:o, s:o, s:o}", "largest_difference_db", assist_json_number(worst_before, 2),
                                         "largest_left_db", assist_json_number(worst_after, 2), "level_db",
                                         assist_json_number(mt->offset_db, 2)));
  assist_report_set(ctx, "width",
                    json_pack("{s:o, s:o, s:o, s:o, s:b}", "mix_side_to_mid_db",
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
listen_mix(AssistContext* ctx, Match* mt, uint32_t* rate)
{
  MixListen     ml = {.thirds = &mt->thirds};
  MixdownStatus st = assist_render(ctx, NULL, false, "mix", mix_begin, mix_block, &ml);
  if (st == MIXDOWN_SUCCESS) {
    listener_result(&ml.listener, &mt->mix);
    *rate = ml.listener.rate;
  }
  if (ml.open) {
    listener_free(&ml.listener);
  }
  return st;
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
  RefJob*       job    = NULL;
  MixdownStatus st     = MIXDOWN_ERR_BAD_ARG;
  EqLayout      layout;
  if (!eq_layout(&layout)) {
    st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "the eq processor's table has changed: match cannot design its bands");
    goto done;
  }
  if (!read_amounts(ctx, mt->amounts) || (n_refs = read_references(ctx, &refs)) == 0U) {
    goto done;
  }
  mt->thirds.n_thirds = assist_third_octave_edges(MATCH_LOW_HZ, MATCH_HIGH_HZ, mt->thirds.edges_hz,
                                                  mt->thirds.centres_hz, MATCH_MAX_THIRDS + 1U);
  // The references are heard on a thread beside the mix's render (one
  // thread: both in turn, the references first).
  job = calloc(1U, sizeof *job);
  if (!job) {
    st = assist_fail(ctx, MIXDOWN_ERR_NO_MEM, "out of memory");
    goto done;
  }
  ref_job_init(job, ctx, &mt->thirds, refs, n_refs);
  pthread_t  thread;
  const bool threaded = job->status == MIXDOWN_SUCCESS && ctx->threads != 1U &&
                        pthread_create(&thread, NULL, ref_job_run, job) == 0;
  if (!threaded && job->status == MIXDOWN_SUCCESS) {
    ref_job_run(job);
  }
  st = threaded || job->status == MIXDOWN_SUCCESS ? MIXDOWN_SUCCESS : job->status;
  // the pair an earlier run wrote goes before listening to the mix
  const uint32_t own = st == MIXDOWN_SUCCESS ? own_pair(ctx) : 0U;
  if (own) {
    assist_say(ctx, "an earlier match's eq and stereo (master inserts %u and %u) replaced:", own, own + 1U);
    st = assist_remove(ctx, "/master/inserts", own + 1U);
    if (st == MIXDOWN_SUCCESS) {
      st = assist_remove(ctx, "/master/inserts", own);
    }
  }
  uint32_t rate = 0;
  if (st == MIXDOWN_SUCCESS) {
    st = listen_mix(ctx, mt, &rate);
  }
  if (threaded) {
    pthread_join(thread, NULL);
  }
  if (job->status != MIXDOWN_SUCCESS) {
    // the references' failure says more than the mix's (a bad --ref is the user's to fix)
    st = job->status;
    if (ctx->message && ctx->message_size) {
      snprintf(ctx->message, ctx->message_size, "%s", job->message);
    }
  }
  if (st == MIXDOWN_SUCCESS && !isfinite(mt->mix.loudness_lufs)) {
    st = assist_fail(ctx, MIXDOWN_ERR_SESSION, "the mix is silent (or shorter than 400 ms): nothing to match");
  }
  if (st == MIXDOWN_SUCCESS) {
    json_t* ref_list = json_array();
    assist_report_set(ctx, "references", ref_list);
    combine_references(ctx, job, mt, ref_list);
  }
  if (st == MIXDOWN_SUCCESS) {
    Grid grid = {.layout = &layout, .rate_hz = rate, .n_thirds = mt->thirds.n_thirds};
    for (uint32_t t = 0; t < mt->thirds.n_thirds; ++t) {
      const double lo = log2(mt->thirds.edges_hz[t]), hi = log2(mt->thirds.edges_hz[t + 1U]);
      for (uint32_t j = 0; j < MATCH_SUBPOINTS; ++j) {
        grid.freqs_hz[grid.n_points++] = exp2(lo + (hi - lo) * (j + 0.5) / MATCH_SUBPOINTS);
      }
    }
    decide_eq(ctx, &grid, mt);
    decide_width_and_loudness(mt);
    report_match(ctx, mt);
    st = write_match(ctx, mt);
  }
done:
  if (job) {
    ref_job_close(job);
  }
  free(job);
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
