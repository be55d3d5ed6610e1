// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The mix report as a picture (cairo, PNG): the waveform overview, the
// momentary and short-term loudness over time against the target, for a
// session every strip's short-term loudness over time (so that a duck
// shows), the long-term average spectrum in 1/3 octaves (FFTW, Welch) in
// dBFS, and a level chart of every strip (a session) or channel (a file)
// with its values written out.  Layout: plot.h; axis ticks: axis.c.
//
// This file: drawing the whole picture and writing the PNG, and the public
// entry points (session, file).  The panes: plot_time.c (waveform,
// loudness, strips), plot_spectrum.c, plot_levels.c; layout, text and axes:
// plot_axes.c; the data drawn (collecting, Welch): plot_data.c.

#include "report/plot_internal.h"

#include "finish/finish.h"
#include "io/atomic_file.h"
#include "report/axis.h"
#include "session/model.h"

#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// cairo's PNG writer hands us the bytes; they go to a nameless file that
// takes the picture's name only once it is whole (io/atomic_file.c), so a
// killed or failed plot never leaves half a PNG or follows a planted link.
static cairo_status_t
png_to_fd(void* closure, const unsigned char* data, unsigned int length)
{
  const int fd = *(const int*)closure;
  while (length > 0U) {
    const ssize_t n = write(fd, data, length);
    if (n <= 0) {
      return CAIRO_STATUS_WRITE_ERROR;
    }
    data += n;
    length -= (unsigned int)n;
  }
  return CAIRO_STATUS_SUCCESS;
}

static MixdownStatus
write_png(cairo_surface_t* surface, const char* png, const char* temp_dir, char* message, size_t size)
{
  MdAtomicFile* file = NULL;
  MixdownStatus st   = md_atomic_open(png, 0U, temp_dir, &file, message, size);
  if (st != MIXDOWN_SUCCESS) {
    return st;
  }
  int                  fd     = md_atomic_fd(file);
  const cairo_status_t status = cairo_surface_write_to_png_stream(surface, png_to_fd, &fd);
  if (status != CAIRO_STATUS_SUCCESS) {
    snprintf(message, size, "cannot write `%s`: %s", png, cairo_status_to_string(status));
    md_atomic_abort(file);
    return MIXDOWN_ERR_IO;
  }
  return md_atomic_commit(file, message, size);
}

static MixdownStatus
draw(const PlotData* d, const char* title, double target, const char* temp_dir, const char* png, char* message,
     size_t size)
{
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, MD_PLOT_WIDTH, MD_PLOT_HEIGHT);
  cairo_t*         cr      = cairo_create(surface);
  cairo_set_source_rgb(cr, 0.07, 0.08, 0.1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  MixdownLevels l;
  md_measure_levels(d->measure, &l);
  char         heading[512], lufs[16], peak[16], length[24];
  const double length_s = (double)d->seen_frames / d->rate_hz;
  md_plot_format_db(lufs, sizeof lufs, l.integrated_lufs);
  md_plot_format_db(peak, sizeof peak, l.true_peak_dbtp);
  if (length_s < 60.0) {
    snprintf(length, sizeof length, "%.1f s", length_s);
  } else {
    md_axis_time_label(length_s, 1.0, length_s, length, sizeof length);
  }
  snprintf(heading, sizeof heading, "%s   —   %s LUFS integrated, LRA %.1f LU, true peak %s dBTP, %s", title, lufs,
           l.loudness_range_lu, peak, length);
  cairo_set_source_rgb(cr, 0.95, 0.95, 0.97);
  md_plot_text(cr, 20, 32, 20, heading);
  MdPlotLayout layout;
  md_plot_layout(!d->file, &layout);
  md_plot_draw_waveform(cr, d, &layout.waveform);
  md_plot_draw_loudness(cr, d, &layout.loudness, target);
  if (!d->file) {
    md_plot_draw_strips(cr, d, &layout.strips);
  }
  md_plot_draw_spectrum(cr, d, &layout.spectrum);
  md_plot_draw_levels(cr, d, &layout.levels);
  cairo_destroy(cr);
  MixdownStatus st = write_png(surface, png, temp_dir, message, size);
  cairo_surface_destroy(surface);
  return st;
}

static const char*
base_name(const char* path)
{
  const char* slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* ------------------------------------------------------------------------ */
/* Public entry points                                                       */

// Adds planar stereo to `d` (which takes interleaved frames).
static void
plot_data_add_planar(PlotData* d, const float* left, const float* right, uint32_t n)
{
  enum { CHUNK = 1024 };
  float frames[2 * CHUNK];
  for (uint32_t done = 0U; done < n;) {
    const uint32_t len = n - done < CHUNK ? n - done : CHUNK;
    for (uint32_t i = 0U; i < len; ++i) {
      frames[2U * i]      = left[done + i];
      frames[2U * i + 1U] = right[done + i];
    }
    md_plot_data_add(d, frames, len);
    done += len;
  }
}

// Renders the whole mix: into the premaster when there is one (the
// picture is then drawn from the finished mix), else into `d`.  The
// strips are measured on the way.
static MixdownStatus
render_mix(PlotData* d, MixdownEngine* engine, MdPremaster* premaster, char* message, size_t message_size)
{
  enum { BLOCK = 4096 };
  float* left  = malloc(2U * BLOCK * sizeof(float));
  float* right = left ? left + BLOCK : NULL;
  if (!left) {
    snprintf(message, message_size, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (uint32_t got = 1U; !st && got;) {
    if ((st = mixdown_engine_pull(engine, left, right, BLOCK, &got))) {
      snprintf(message, message_size, "%s", mixdown_engine_message(engine));
    } else if (premaster) {
      st = got ? md_premaster_write(premaster, left, right, got, message, message_size) : MIXDOWN_SUCCESS;
    } else {
      plot_data_add_planar(d, left, right, got);
    }
  }
  free(left);
  return st;
}

/* Finishing passes draw instead of writing: each starts the mix afresh. */

static MixdownStatus
sink_begin(void* ctx, char* message, size_t message_size)
{
  if (!md_plot_data_restart(ctx)) {
    snprintf(message, message_size, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
sink_write(void* ctx, const float* left, const float* right, uint32_t n, char* message, size_t message_size)
{
  (void)message;
  (void)message_size;
  plot_data_add_planar(ctx, left, right, n);
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
sink_end(void* ctx, double* loudness_lufs, double* true_peak_db, char* message, size_t message_size)
{
  (void)message;
  (void)message_size;
  const PlotData* d = ctx;
  MixdownLevels   l;
  md_measure_levels(d->measure, &l);
  *loudness_lufs = l.integrated_lufs;
  *true_peak_db  = l.true_peak_dbtp;
  return MIXDOWN_SUCCESS;
}

static void
sink_drop(void* ctx)
{
  (void)ctx; // the next pass's begin starts afresh
}

// The picture's heading names the session and the stage drawn.
static void
session_title(const MixdownSession* session, const MdFinishResult* finish, char* out, size_t size)
{
  const char* name = strrchr(session->file_name, '/');
  name             = name ? name + 1 : session->file_name;
  if (finish) {
    snprintf(out, size, "%s, finished as render writes it (gain %+.1f dB, limiter %.1f dB)", name, finish->gain_db,
             finish->limiter_db);
  } else {
    snprintf(out, size, "%s, the mix", name);
  }
}

MixdownStatus
mixdown_plot_session(const MixdownSession* session, const char* png, double target_lufs, char* message,
                     size_t message_size)
{
  const MixdownPlotOptions options = {.size = sizeof options, .target_lufs = target_lufs};
  return mixdown_plot_session_with(session, png, &options, message, message_size);
}

MixdownStatus
mixdown_plot_session_with(const MixdownSession* session, const char* png, const MixdownPlotOptions* options,
                          char* message, size_t message_size)
{
  if (!options) {
    snprintf(message, message_size, "invalid argument: no plot options");
    return MIXDOWN_ERR_BAD_ARG;
  }
  const double target_lufs = options->target_lufs;
  MixdownEngine* engine = NULL;
  MixdownStatus  st     = mixdown_engine_new(session, &engine, message, message_size);
  if (st) {
    return st;
  }
  const MdLoudness* target    = md_session_finish_target(session);
  MdPremaster*      premaster = NULL;
  PlotData*         d         = malloc(sizeof(PlotData));
  if (!d || !md_plot_data_init(d, mixdown_session_sample_rate(session), mixdown_engine_length(engine), 2U) ||
      mixdown_engine_enable_levels(engine, MIXDOWN_LEVELS_SERIES) || mixdown_engine_set_threads(engine, 0U)) {
    snprintf(message, message_size, "out of memory");
    st = MIXDOWN_ERR_NO_MEM;
  } else if (target) {
    st = md_premaster_open(options->temp_dir, d->rate_hz, mixdown_engine_length(engine), &premaster, message,
                           message_size);
  }
  if (!st) {
    // A bar is beats_per_bar beats of the time signature's note value,
    // each 60 / tempo seconds.
    d->bar_s = session->tempo_bpm > 0.0 ? session->beats_per_bar * 60.0 / session->tempo_bpm : 0.0;
    st       = render_mix(d, engine, premaster, message, message_size);
  }
  if (!st && (st = md_plot_collect_strips(d, engine))) {
    snprintf(message, message_size, "out of memory");
  }
  MdFinishResult finish = {0};
  if (!st && premaster) {
    const MdFinishGoal goal = {true, target->target_lufs, true, target->true_peak_db};
    const MdFinishSink sink = {sink_begin, sink_write, sink_end, NULL, sink_drop, d};
    st          = md_finish(premaster, &goal, &sink, NULL, NULL, NULL, &finish, message, message_size);
    d->finished = true;
  }
  if (!st) {
    char title[300];
    session_title(session, premaster ? &finish : NULL, title, sizeof title);
    st = draw(d, title, target_lufs, options->temp_dir, png, message, message_size);
  }
  md_premaster_free(premaster);
  if (d) {
    md_plot_data_free(d);
  }
  free(d);
  mixdown_engine_free(engine);
  return st;
}

// Reads the file into `d`: its first MD_MEASURE_MAX_CHANNELS channels.
static MixdownStatus
read_file_into(PlotData* d, SNDFILE* file, uint32_t channels, char* message, size_t message_size)
{
  enum { BLOCK = 4096 };
  const uint32_t used   = d->channels;
  float*         buf    = malloc((size_t)BLOCK * channels * sizeof(float));
  float*         packed = malloc((size_t)BLOCK * used * sizeof(float));
  if (!buf || !packed) {
    free(buf);
    free(packed);
    snprintf(message, message_size, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  sf_count_t got = 0;
  while ((got = sf_readf_float(file, buf, BLOCK)) > 0) {
    for (sf_count_t i = 0; i < got; ++i) {
      memcpy(packed + (size_t)i * used, buf + (size_t)i * channels, used * sizeof(float));
    }
    md_plot_data_add(d, packed, (uint32_t)got);
  }
  free(buf);
  free(packed);
  if (sf_error(file) != SF_ERR_NO_ERROR) {
    snprintf(message, message_size, "decoding failed: %s", sf_strerror(file));
    return MIXDOWN_ERR_DECODE;
  }
  return MIXDOWN_SUCCESS;
}

MixdownStatus
mixdown_plot_file(const char* path, const char* png, double target_lufs, char* message, size_t message_size)
{
  const MixdownPlotOptions options = {.size = sizeof options, .target_lufs = target_lufs};
  return mixdown_plot_file_with(path, png, &options, message, message_size);
}

MixdownStatus
mixdown_plot_file_with(const char* path, const char* png, const MixdownPlotOptions* options, char* message,
                       size_t message_size)
{
  if (!options) {
    snprintf(message, message_size, "invalid argument: no plot options");
    return MIXDOWN_ERR_BAD_ARG;
  }
  const double target_lufs = options->target_lufs;
  SF_INFO  info = {0};
  SNDFILE* file = sf_open(path, SFM_READ, &info);
  if (!file) {
    snprintf(message, message_size, "cannot open `%s`: %s", path, sf_strerror(NULL));
    return MIXDOWN_ERR_IO;
  }
  // Loudness has no standard weighting past 5.1: the first 8 channels.
  const uint32_t channels = (uint32_t)info.channels;
  const uint32_t used     = channels < MD_MEASURE_MAX_CHANNELS ? channels : MD_MEASURE_MAX_CHANNELS;
  PlotData*      d        = malloc(sizeof(PlotData));
  MixdownStatus  st       = MIXDOWN_SUCCESS;
  if (!d || !md_plot_data_init(d, info.samplerate, (uint64_t)info.frames, used)) {
    snprintf(message, message_size, "out of memory");
    st = MIXDOWN_ERR_NO_MEM;
  }
  if (!st) {
    d->file = true;
    st      = read_file_into(d, file, channels, message, message_size);
  }
  sf_close(file);
  if (!st) {
    for (uint32_t c = 0U; c < used; ++c) {
      double peak = 0.0, rms = 0.0;
      char   name[24];
      md_measure_channel(d->measure, c, &peak, &rms);
      md_plot_add_bar(d, md_plot_channel_name(c, used, name, sizeof name), rms, peak, "dBFS RMS");
    }
    MixdownLevels l;
    md_measure_levels(d->measure, &l);
    md_plot_add_bar(d, "loudness", l.integrated_lufs, l.peak_dbfs, "LUFS");
    st = draw(d, base_name(path), target_lufs, options->temp_dir, png, message, message_size);
  }
  if (d) {
    md_plot_data_free(d);
  }
  free(d);
  return st;
}
