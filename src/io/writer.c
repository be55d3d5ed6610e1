// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "io/writer.h"

#include "dsp/kernels/kernels.h"
#include "io/atomic_file.h"
#include "io/formats.h"
#include "io/interleave.h"
#include "io/measure.h"

#include <sndfile.h>
#include <soxr.h>

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MD_WRITER_CHUNK 4096U

#define MD_STR2(x)      #x
#define MD_STR(x)       MD_STR2(x)
#define MD_VERSION_TEXT MD_STR(MIXDOWN_VERSION_MAJOR) "." MD_STR(MIXDOWN_VERSION_MINOR) "." MD_STR(MIXDOWN_VERSION_MICRO)

struct MdWriter {
  char*      path;
  MdAtomicFile* out;    ///< Where the file goes (io/atomic_file.h)
  SNDFILE*   file;
  soxr_t     resampler; ///< NULL when no rate conversion
  MdMeasure* meter; ///< What is written: loudness and true peak (io/loudness.c, checked against libebur128)
  const MdFileFormat* file_format;
  MixdownSampleFormat format; ///< Lossy formats: float, what the encoders take
  MdDither   dither;
  char       note[160]; ///< Something the user should know ("" when nothing)
  double     error[2][5]; ///< Shaped dither: the last quantisation errors per channel
  uint64_t   rng;       ///< Dither draws so far: from a fixed start, so renders repeat exactly
  float*     interleaved;
  float*     converted;
  size_t     converted_capacity;
  int*       quantised;
  double*    noise;       ///< TPDF dither for one chunk, drawn before quantising
  const MdKernels* kernels;
  bool       finished;  ///< md_writer_finish() done: stats final, no more audio
  MdWriterStats stats;
};

static int
bytes_per_sample(MixdownSampleFormat format)
{
  return format == MIXDOWN_FORMAT_PCM_16 ? 2 : format == MIXDOWN_FORMAT_PCM_24 ? 3 : 4;
}

// Plain RIFF WAV holds 4 GiB; past that (with room for the header and the
// rate converter's rounding) the file is RF64, which every current reader
// takes.  Deciding up front keeps small files plain WAV for every tool.
static int
container_for(const MdFileFormat* file_format, MixdownSampleFormat format, uint64_t frames)
{
  const uint64_t bytes = frames * 2U * (uint64_t)bytes_per_sample(format);
  if (file_format->container == SF_FORMAT_WAV && bytes > 0xFFFFFFFFULL - (64ULL << 20U)) {
    return SF_FORMAT_RF64;
  }
  return file_format->container;
}

static int
subtype_for(MixdownSampleFormat format)
{
  switch (format) {
  case MIXDOWN_FORMAT_PCM_16: return SF_FORMAT_PCM_16;
  case MIXDOWN_FORMAT_PCM_32: return SF_FORMAT_PCM_32;
  case MIXDOWN_FORMAT_FLOAT: return SF_FORMAT_FLOAT;
  case MIXDOWN_FORMAT_DEFAULT:
  case MIXDOWN_FORMAT_PCM_24: break;
  }
  return SF_FORMAT_PCM_24;
}

static void
free_writer(MdWriter* w)
{
  if (w->file) {
    sf_close(w->file);
  }
  md_atomic_abort(w->out); // nothing committed: dropped
  soxr_delete(w->resampler);
  md_measure_free(w->meter);
  w->meter = NULL;
  free(w->interleaved);
  free(w->converted);
  free(w->quantised);
  free(w->noise);
  free(w->path);
  free(w);
}

void
md_writer_abort(MdWriter* w)
{
  if (w) {
    free_writer(w);
  }
}

// libsndfile writes these front to back, never seeking back (measured on
// a FIFO with libsndfile 1.2: FLAC, Vorbis and Opus read back whole); WAV
// and RF64 it refuses on a pipe (their sizes are in the header), and MP3
// loses its Xing header there (libsndfile then reads 23 986 of 144 000
// frames back).  Those go to a pipe through a spool (atomic_file.h).
static bool
streams(const MdFileFormat* f)
{
  return f->container == SF_FORMAT_FLAC || f->container == SF_FORMAT_OGG;
}

// The sample format and dither for `file_format`, or false (and a message)
// when it cannot hold `format`.
static bool
choose_samples(MdWriter* w, MixdownSampleFormat format, MdDither dither, char* message, size_t message_size)
{
  const MdFileFormat* f = w->file_format;
  if (f->lossy) {
    // The encoders take float and shape their own noise: dither would
    // only be more noise for them to spend bits on.
    w->format = MIXDOWN_FORMAT_FLOAT;
    w->dither = MD_DITHER_NONE;
    return true;
  }
  w->format = format == MIXDOWN_FORMAT_DEFAULT ? MIXDOWN_FORMAT_PCM_24 : format;
  // 32-bit integer holds every bit of a float mix: dither would only add noise.
  w->dither = w->format == MIXDOWN_FORMAT_PCM_16 || w->format == MIXDOWN_FORMAT_PCM_24 ? dither : MD_DITHER_NONE;
  if (!md_file_format_holds(f, w->format)) {
    char holds[64];
    md_file_format_bits_list(f, holds, sizeof holds);
    snprintf(message, message_size, "%s holds %s bits; use .wav for 32-bit or float", f->name, holds);
    return false;
  }
  return true;
}

static MixdownStatus
set_up_conversion(MdWriter* w, double in_rate, uint32_t rate, char* message, size_t message_size)
{
  soxr_error_t              error   = NULL;
  const soxr_io_spec_t      io      = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_VHQ, 0);
  w->resampler          = soxr_create(in_rate, rate, 2U, &error, &io, &quality, NULL);
  w->converted_capacity = (size_t)ceil(MD_WRITER_CHUNK * (double)rate / in_rate) + 64U;
  w->converted          = malloc(w->converted_capacity * 2U * sizeof(float));
  if (error || !w->converted) {
    snprintf(message, message_size, "cannot set up output rate conversion: %s", error ? error : "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  return MIXDOWN_SUCCESS;
}

MixdownStatus
md_writer_open(const char* path, MixdownSampleFormat format, MdDither dither, double in_rate,
               uint32_t out_rate, uint64_t expected_frames, MdWriter** writer, char* message,
               size_t message_size)
{
  const MdWriterTarget target = {NULL, false, NULL};
  return md_writer_open_to(path, &target, format, dither, in_rate, out_rate, expected_frames, writer, message,
                           message_size);
}

MixdownStatus
md_writer_open_to(const char* path, const MdWriterTarget* target, MixdownSampleFormat format, MdDither dither,
                  double in_rate, uint32_t out_rate, uint64_t expected_frames, MdWriter** writer, char* message,
                  size_t message_size)
{
  *writer     = NULL;
  MdWriter* w = calloc(1U, sizeof(MdWriter));
  if (!w || !(w->path = strdup(path))) {
    free(w);
    snprintf(message, message_size, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  w->rng         = 0U;
  w->file_format = target->file_format ? target->file_format : md_file_format_for_path(path);
  if (!w->file_format) {
    // Never a WAV under another format's name.
    snprintf(message, message_size, "cannot write `%s`: the name must end in one of %s", path,
             md_file_format_list());
    free_writer(w);
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (!choose_samples(w, format, dither, message, message_size)) {
    free_writer(w);
    return MIXDOWN_ERR_BAD_ARG;
  }
  const uint32_t wanted = out_rate ? out_rate : (uint32_t)in_rate;
  const uint32_t rate   = md_file_format_rate(w->file_format, wanted);
  if (rate != wanted) {
    snprintf(w->note, sizeof w->note, "%s is encoded at %u Hz, not %u Hz: `%s` is converted to %u Hz",
             w->file_format->name, (unsigned)rate, (unsigned)wanted, path, (unsigned)rate);
  }
  const uint64_t file_frames = (uint64_t)ceil((double)expected_frames * rate / in_rate);
  const int      container   = container_for(w->file_format, w->format, file_frames);
  // Encoding takes what the rate converter gives: up to the ratio times a
  // chunk, when converting up.
  const size_t encode_frames = (size_t)ceil(MD_WRITER_CHUNK * fmax(1.0, (double)rate / in_rate)) + 64U;
  w->interleaved      = malloc(MD_WRITER_CHUNK * 2U * sizeof(float));
  w->quantised        = malloc(encode_frames * 2U * sizeof(int));
  w->noise            = malloc(encode_frames * 2U * sizeof(double));
  w->kernels          = md_kernels();
  w->meter            = md_measure_new(2U, rate, MD_MEASURE_FULL);
  w->stats.rate       = rate;
  if (!w->interleaved || !w->quantised || !w->noise || !w->meter) {
    snprintf(message, message_size, "out of memory");
    free_writer(w);
    return MIXDOWN_ERR_NO_MEM;
  }
  MixdownStatus st = (double)rate != in_rate ? set_up_conversion(w, in_rate, rate, message, message_size)
                                             : MIXDOWN_SUCCESS;
  if (st) {
    free_writer(w);
    return st;
  }
  const unsigned flags = (streams(w->file_format) ? MD_ATOMIC_STREAMS : 0U) | (target->may_drop ? MD_ATOMIC_MAY_DROP : 0U);
  if ((st = md_atomic_open(path, flags, target->temp_dir, &w->out, message, message_size))) {
    free_writer(w);
    return st;
  }
  // The format comes from here, not from the (temporary) file's name.
  const int subtype = w->file_format->lossy ? w->file_format->codec : subtype_for(w->format);
  SF_INFO   info    = {.samplerate = (int)rate, .channels = 2, .format = container | subtype};
  w->file = sf_open_fd(md_atomic_fd(w->out), SFM_WRITE, &info, SF_FALSE);
  if (!w->file) {
    snprintf(message, message_size, "cannot write `%s`: %s", path, sf_strerror(NULL));
    md_writer_abort(w);
    return MIXDOWN_ERR_IO;
  }
  if (w->file_format->lossy) {
    md_writer_set_quality(w, w->file_format->default_quality);
  } else {
    // libsndfile's PEAK chunk in float files carries the wall-clock time of
    // writing: without it the same session renders to the same bytes.
    sf_command(w->file, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
  }
  *writer = w;
  return MIXDOWN_SUCCESS;
}

MixdownStatus
md_writer_set_quality(MdWriter* w, double quality)
{
  if (!w->file_format->lossy) {
    return MIXDOWN_SUCCESS; // lossless: every quality is the same
  }
  if (!(quality >= 0.0 && quality <= 1.0) || w->stats.frames) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  // libsndfile's compression level runs the other way: 0 best, 1 smallest.
  double level = 1.0 - quality;
  if (sf_command(w->file, SFC_SET_COMPRESSION_LEVEL, &level, sizeof level) != SF_TRUE) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  // LAME's variable bit rate spends bits where the music needs them; the
  // mode re-reads the level set above.
  int mode = SF_BITRATE_MODE_VARIABLE;
  if (w->file_format->container == SF_FORMAT_MPEG &&
      sf_command(w->file, SFC_SET_BITRATE_MODE, &mode, sizeof mode) != SF_TRUE) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  return MIXDOWN_SUCCESS;
}

const char*
md_writer_note(const MdWriter* w)
{
  return w->note;
}

void
md_writer_skip_loudness(MdWriter* w)
{
  md_measure_free(w->meter);
  w->meter = NULL;
}

void
md_writer_set_tags(MdWriter* w, char* const* tags)
{
  // In the order of MD_TAG_* (session/model.h).
  static const int fields[] = {SF_STR_TITLE, SF_STR_ARTIST,    SF_STR_ALBUM,      SF_STR_DATE,
                               SF_STR_GENRE, SF_STR_COMMENT,   SF_STR_COPYRIGHT,  SF_STR_TRACKNUMBER};
  for (size_t i = 0U; i < sizeof fields / sizeof fields[0]; ++i) {
    if (tags[i]) {
      sf_set_string(w->file, fields[i], tags[i]);
    }
  }
  sf_set_string(w->file, SF_STR_SOFTWARE, "mixdown " MD_VERSION_TEXT);
}

// Uniform in [0, 1) from xorshift64*.
static double
next_uniform(uint64_t* counter)
{
  // splitmix64 of a counter: each draw is a hash of its index, so the draws
  // of a chunk do not wait on one another (a xorshift chain did).
  uint64_t z = (*counter)++ * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
  z          = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z          = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  z ^= z >> 31U;
  return (double)(z >> 11U) * (1.0 / 9007199254740992.0);
}

static MixdownStatus
write_failed(MdWriter* w, char* message, size_t message_size)
{
  const int err = errno;
  snprintf(message, message_size, "writing `%s` failed: %s", w->path,
           err == EFBIG ? "file too large (file-size limit reached)"
           : err == ENOSPC ? "no space left on the device"
           : err ? strerror(err) : sf_strerror(w->file));
  return MIXDOWN_ERR_IO;
}

// Encodes `n` interleaved frames at the output rate.
// Noise-shaped dither: error feedback, so the noise spectrum takes the
// shape 1 - H(z) — the 5-tap E-weighted filter of Lipshitz, Vanderkooy &
// Wannamaker (1991), which sinks the noise where hearing is most sensitive
// (1-6 kHz) and lifts it towards Nyquist.  Recursive: no vector kernel.
static void
quantize_shaped(MdWriter* w, const float* frames, size_t n, double scale, int bits)
{
  static const double shape[5] = {2.033, -2.165, 1.959, -1.590, 0.6149};
  const double        top      = scale - 1.0;
  for (size_t i = 0U; i < n * 2U; ++i) {
    double* error = w->error[i & 1U];
    double  x     = frames[i] * scale;
    x -= shape[0] * error[0] + shape[1] * error[1] + shape[2] * error[2] + shape[3] * error[3] +
         shape[4] * error[4];
    // TPDF on top, as for plain dither.
    double q = x + (next_uniform(&w->rng) - next_uniform(&w->rng));
    q        = floor(q + 0.5);
    if (q > top || q < -scale) {
      ++w->stats.clipped;
      q = q > top ? top : -scale;
    }
    memmove(error + 1, error, 4U * sizeof(double));
    // Clipping would feed a huge error back; keep the loop bounded.
    error[0] = fmax(-4.0, fmin(4.0, q - x));
    // libsndfile takes int samples left-aligned in 32 bits.
    w->quantised[i] = (int)((int64_t)q * (int64_t)(1LL << (32 - bits)));
  }
}

// The last guard before the file: every format gets finite samples.  The
// engine silences non-finite audio after every node, so only the output's
// rate conversion of samples near the float limit could make one: an
// infinity is clipped to the largest float of its sign (an integer format
// then clips it to full scale), a NaN silenced; the note says where.
static void
guard_output_samples(MdWriter* w, float* frames, size_t n)
{
  uint32_t any = 0U;
  for (size_t i = 0U; i < n * 2U; ++i) {
    uint32_t bits;
    memcpy(&bits, &frames[i], sizeof bits);
    any |= (bits & 0x7f800000U) == 0x7f800000U;
  }
  uint64_t fixed = 0U, first = 0U;
  for (size_t i = 0U; any && i < n * 2U; ++i) {
    if (!isfinite(frames[i])) {
      first     = fixed++ ? first : w->stats.frames + i / 2U;
      frames[i] = isnan(frames[i]) ? 0.0f : copysignf(FLT_MAX, frames[i]);
    }
  }
  if (fixed && !strstr(w->note, "output stage")) {
    const size_t used = strlen(w->note);
    snprintf(w->note + used, sizeof w->note - used, "%swarning: the output stage clipped non-finite samples "
             "to the largest float, first at %.3f s", used ? "; " : "", (double)first / (double)w->stats.rate);
  }
}

static MixdownStatus
encode(MdWriter* w, float* frames, size_t n, char* message, size_t message_size)
{
  if (n == 0U) {
    return MIXDOWN_SUCCESS;
  }
  guard_output_samples(w, frames, n);
  if (w->meter) {
    md_measure_add_interleaved(w->meter, frames, (uint32_t)n);
  }
  for (size_t i = 0U; i < n * 2U; ++i) {
    const double a = fabs(frames[i]);
    if (a > w->stats.peak) {
      w->stats.peak = a;
    }
  }
  for (size_t i = 0U; i < n; ++i) {
    w->stats.sum_lr += (double)frames[2U * i] * frames[2U * i + 1U];
    w->stats.sum_ll += (double)frames[2U * i] * frames[2U * i];
    w->stats.sum_rr += (double)frames[2U * i + 1U] * frames[2U * i + 1U];
  }
  errno = 0;
  if (w->format == MIXDOWN_FORMAT_FLOAT) {
    for (size_t i = 0U; w->file_format->lossy && i < n * 2U; ++i) {
      // Decoded to integer (as most players do), these clip.
      w->stats.clipped += fabsf(frames[i]) > 1.0f;
    }
    if (sf_writef_float(w->file, frames, (sf_count_t)n) != (sf_count_t)n) {
      return write_failed(w, message, message_size);
    }
    w->stats.frames += n;
    return MIXDOWN_SUCCESS;
  }
  const int    bits  = w->format == MIXDOWN_FORMAT_PCM_16 ? 16 : w->format == MIXDOWN_FORMAT_PCM_24 ? 24 : 32;
  const double scale = ldexp(1.0, bits - 1);
  if (w->dither == MD_DITHER_SHAPED) {
    quantize_shaped(w, frames, n, scale, bits);
  } else {
    // TPDF: the sum of two uniform variables, ±1 LSB peak, decorrelates the
    // quantisation error from the signal.  The noise is drawn in sample
    // order, then the vector kernel quantises.
    for (size_t i = 0U; w->dither != MD_DITHER_NONE && i < n * 2U; ++i) {
      w->noise[i] = next_uniform(&w->rng) - next_uniform(&w->rng);
    }
    w->stats.clipped += w->kernels->quantize(frames, w->dither != MD_DITHER_NONE ? w->noise : NULL,
                                             w->quantised, (uint32_t)(n * 2U), scale, (uint32_t)(32 - bits));
  }
  if (sf_writef_int(w->file, w->quantised, (sf_count_t)n) != (sf_count_t)n) {
    return write_failed(w, message, message_size);
  }
  w->stats.frames += n;
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
convert_and_encode(MdWriter* w, float* in, size_t n, char* message, size_t message_size)
{
  if (!w->resampler) {
    return encode(w, in, n, message, message_size);
  }
  size_t used = 0U;
  do {
    size_t in_done  = 0U;
    size_t out_done = 0U;
    soxr_process(w->resampler, in ? in + used * 2U : NULL, in ? n - used : 0U, &in_done, w->converted,
                 w->converted_capacity, &out_done);
    used += in_done;
    const MixdownStatus st = encode(w, w->converted, out_done, message, message_size);
    if (st) {
      return st;
    }
    if (!in && out_done == 0U) {
      break; // drained
    }
  } while (!in || used < n);
  return MIXDOWN_SUCCESS;
}

MixdownStatus
md_writer_write(MdWriter* w, const float* left, const float* right, uint32_t n, char* message,
                size_t message_size)
{
  for (uint32_t done = 0U; done < n;) {
    const uint32_t len = n - done < MD_WRITER_CHUNK ? n - done : MD_WRITER_CHUNK;
    md_interleave_stereo(w->interleaved, left + done, right + done, len);
    const MixdownStatus st = convert_and_encode(w, w->interleaved, len, message, message_size);
    if (st) {
      return st;
    }
    done += len;
  }
  return MIXDOWN_SUCCESS;
}

MixdownStatus
md_writer_finish(MdWriter* w, MdWriterStats* stats, char* message, size_t message_size)
{
  if (!w->finished && w->resampler) {
    const MixdownStatus st = convert_and_encode(w, NULL, 0U, message, message_size);
    if (st) {
      md_writer_abort(w);
      return st;
    }
  }
  if (!w->finished) {
    double loudness = -HUGE_VAL;
    double true_peak = 0.0; // unmeasured: -inf dBTP
    if (w->meter) {
      MixdownLevels levels;
      md_measure_levels(w->meter, &levels);
      loudness  = levels.integrated_lufs;
      true_peak = isfinite(levels.true_peak_dbtp) ? pow(10.0, levels.true_peak_dbtp / 20.0) : 0.0;
    }
    w->stats.loudness_lufs = loudness;
    w->stats.true_peak     = true_peak;
    w->finished            = true;
  }
  if (stats) {
    *stats = w->stats;
  }
  return MIXDOWN_SUCCESS;
}

MixdownStatus
md_writer_commit(MdWriter* w, MdWriterStats* stats, char* message, size_t message_size)
{
  MixdownStatus st = md_writer_finish(w, stats, message, message_size);
  if (st) {
    return st; // already aborted
  }
  errno                 = 0;
  const int close_error = sf_close(w->file); // its header rewritten: the file is complete
  w->file               = NULL;
  if (close_error) {
    st = write_failed(w, message, message_size);
    md_writer_abort(w);
    return st;
  }
  // fsync, then linked or renamed into place (or copied to a device).
  MdAtomicFile* out = w->out;
  w->out            = NULL;
  st                = md_atomic_commit(out, message, message_size);
  free_writer(w);
  return st;
}
