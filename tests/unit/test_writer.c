// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The writer's lossy formats (MP3, Ogg Vorbis, Opus): each decodes back
// through libsndfile as what its name says, with the loudness of the same
// signal written as WAV, the length of the input (within a codec frame),
// its tags, and — for Opus at 44.1 kHz — at 48 kHz.

#include "io/formats.h"
#include "io/writer.h"
#include "support.h"

#include <ebur128.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define IN_RATE 44100U
#define SECONDS 6.0

typedef struct {
  const char* name;
  int         major;   ///< libsndfile container the file must read back as
  int         subtype; ///< …and codec
  uint32_t    padding; ///< Frames the decoded length may differ by (one codec frame)
} LossyCase;

static const LossyCase lossy[] = {
  {"mix.mp3", SF_FORMAT_MPEG, SF_FORMAT_MPEG_LAYER_III, 1152U},
  {"mix.ogg", SF_FORMAT_OGG, SF_FORMAT_VORBIS, 2048U},
  {"mix.opus", SF_FORMAT_OGG, SF_FORMAT_OPUS, 960U},
};

typedef struct {
  float*   left;
  float*   right;
  uint32_t frames;
} Stereo;

// A 1 kHz sine at -20 dBFS on both channels.
static Stereo
make_sine(void)
{
  Stereo s = {.frames = (uint32_t)(SECONDS * IN_RATE)};
  s.left   = malloc(s.frames * sizeof(float));
  s.right  = malloc(s.frames * sizeof(float));
  for (uint32_t i = 0U; s.left && s.right && i < s.frames; ++i) {
    s.left[i] = s.right[i] = (float)(0.1 * sin(2.0 * M_PI * 1000.0 * i / IN_RATE));
  }
  return s;
}

// Something like music: a chord with harmonics, differing a little between
// the channels, a 2 Hz pulse, and noise — harder for a codec than a sine.
static Stereo
make_music(void)
{
  static const double notes_hz[] = {110.0, 164.8, 220.0, 277.2, 329.6};
  Stereo              s          = make_sine();
  uint32_t            seed       = 12345U;
  for (uint32_t i = 0U; s.left && s.right && i < s.frames; ++i) {
    const double t     = (double)i / IN_RATE;
    const double pulse = 0.6 + 0.4 * sin(2.0 * M_PI * 2.0 * t);
    double       l     = 0.0;
    double       r     = 0.0;
    for (size_t k = 0U; k < sizeof notes_hz / sizeof notes_hz[0]; ++k) {
      for (int h = 1; h <= 4; ++h) {
        const double a = 0.02 / h;
        l += a * sin(2.0 * M_PI * notes_hz[k] * h * t);
        r += a * sin(2.0 * M_PI * notes_hz[k] * h * t + 0.3 * (double)k);
      }
    }
    s.left[i]  = (float)(pulse * l + 0.01 * test_noise(&seed));
    s.right[i] = (float)(pulse * r + 0.01 * test_noise(&seed));
  }
  return s;
}

static void
stereo_free(Stereo* s)
{
  free(s->left);
  free(s->right);
}

// Writes `s` to `path` in odd-sized pieces; quality < 0 keeps the default.
static bool
write_file(const char* path, const Stereo* s, double quality, char* const* tags, MdWriterStats* stats,
           char* note, size_t note_size)
{
  MdWriter* w = NULL;
  char      message[512];
  if (md_writer_open(path, MIXDOWN_FORMAT_FLOAT, MD_DITHER_NONE, IN_RATE, 0U, s->frames, &w, message,
                     sizeof message) != MIXDOWN_SUCCESS) {
    test_fail(__FILE__, __LINE__, "%s: %s", path, message);
    return false;
  }
  if (quality >= 0.0) {
    CHECK(md_writer_set_quality(w, quality) == MIXDOWN_SUCCESS);
  }
  if (tags) {
    md_writer_set_tags(w, tags);
  }
  if (note) {
    snprintf(note, note_size, "%s", md_writer_note(w));
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (uint32_t done = 0U; !st && done < s->frames;) {
    const uint32_t n = s->frames - done < 3001U ? s->frames - done : 3001U;
    st               = md_writer_write(w, s->left + done, s->right + done, n, message, sizeof message);
    done += n;
  }
  if (st) {
    md_writer_abort(w);
  } else {
    st = md_writer_commit(w, stats, message, sizeof message);
  }
  CHECK_MSG(st == MIXDOWN_SUCCESS, "%s: %s", path, message);
  return st == MIXDOWN_SUCCESS;
}

// What a player gets back from the file.
typedef struct {
  int      format;
  uint32_t rate;
  uint64_t frames;
  double   loudness_lufs;
  double   frequency_hz; ///< Of the left channel, by zero crossings
  long     bytes;
} Decoded;

static bool
decode(const char* path, Decoded* d)
{
  memset(d, 0, sizeof *d);
  SF_INFO  info = {0};
  SNDFILE* f    = sf_open(path, SFM_READ, &info);
  if (!f) {
    test_fail(__FILE__, __LINE__, "%s does not decode: %s", path, sf_strerror(NULL));
    return false;
  }
  d->format            = info.format;
  d->rate              = (uint32_t)info.samplerate;
  ebur128_state* meter = ebur128_init((unsigned)info.channels, (unsigned long)info.samplerate, EBUR128_MODE_I);
  float*         left  = malloc((size_t)(info.frames + 1) * sizeof(float));
  float          chunk[2048];
  sf_count_t     got   = 0;
  while (meter && left && info.channels == 2 && (got = sf_readf_float(f, chunk, 1024)) > 0) {
    ebur128_add_frames_float(meter, chunk, (size_t)got);
    for (sf_count_t i = 0; i < got && d->frames < (uint64_t)info.frames; ++i) {
      left[d->frames++] = chunk[2 * i];
    }
  }
  CHECK(info.channels == 2);
  if (meter) {
    ebur128_loudness_global(meter, &d->loudness_lufs);
    ebur128_destroy(&meter);
  }
  // Away from the ends, where codecs fade in and out.
  if (left && d->frames > (uint64_t)d->rate) {
    d->frequency_hz = test_frequency(left + d->rate / 4U, d->frames - d->rate / 2U, d->rate);
  }
  free(left);
  sf_close(f);
  struct stat st;
  d->bytes = stat(path, &st) == 0 ? (long)st.st_size : -1L;
  return true;
}

// Each lossy file decodes as its format, as long as the input (the rate
// converted for Opus), within 0.5 LU of the WAV of the same signal; and the
// writer's own figure (measured before encoding) is within 0.5 LU too.
static void
check_signal(const Stereo* s, const char* what)
{
  Decoded       wav;
  MdWriterStats wav_stats = {0};
  if (!write_file(test_path("ref.wav"), s, -1.0, NULL, &wav_stats, NULL, 0U) || !decode(test_path("ref.wav"), &wav)) {
    return;
  }
  CHECK_MSG(fabs(wav.loudness_lufs - wav_stats.loudness_lufs) < 0.01, "%s: WAV reads %.2f LUFS, writer said %.2f",
            what, wav.loudness_lufs, wav_stats.loudness_lufs);
  for (size_t k = 0U; k < sizeof lossy / sizeof lossy[0]; ++k) {
    const LossyCase* c     = &lossy[k];
    MdWriterStats    stats = {0};
    Decoded          d;
    if (!write_file(test_path(c->name), s, -1.0, NULL, &stats, NULL, 0U) || !decode(test_path(c->name), &d)) {
      continue;
    }
    CHECK_MSG((d.format & SF_FORMAT_TYPEMASK) == c->major && (d.format & SF_FORMAT_SUBMASK) == c->subtype,
              "%s: %s reads back as format 0x%x", what, c->name, (unsigned)d.format);
    CHECK_MSG(d.rate == stats.rate, "%s: %s at %u Hz, the writer says %u", what, c->name, d.rate, stats.rate);
    const double expected = (double)s->frames * d.rate / IN_RATE;
    CHECK_MSG(fabs((double)d.frames - expected) <= c->padding, "%s: %s has %llu frames, expected %.0f ± %u", what,
              c->name, (unsigned long long)d.frames, expected, c->padding);
    CHECK_MSG(fabs(d.loudness_lufs - wav.loudness_lufs) <= 0.5, "%s: %s decodes at %.2f LUFS, the WAV at %.2f",
              what, c->name, d.loudness_lufs, wav.loudness_lufs);
    CHECK_MSG(fabs(stats.loudness_lufs - wav.loudness_lufs) <= 0.5, "%s: %s: the writer measured %.2f LUFS", what,
              c->name, stats.loudness_lufs);
    printf("    %s, %s: %.2f LUFS decoded (WAV %.2f), %llu frames at %u Hz, %.0f kbit/s\n", what, c->name,
           d.loudness_lufs, wav.loudness_lufs, (unsigned long long)d.frames, d.rate,
           (double)d.bytes * 8.0 / SECONDS / 1000.0);
    // Far smaller than the 32-bit float WAV, or it was not encoded.
    CHECK_MSG(d.bytes > 0 && d.bytes * 4L < wav.bytes, "%s: %s is %ld bytes, the WAV %ld", what, c->name, d.bytes,
              wav.bytes);
  }
}

static void
test_lossy_loudness_and_length(void)
{
  Stereo sine  = make_sine();
  Stereo music = make_music();
  if (sine.left && sine.right && music.left && music.right) {
    check_signal(&sine, "1 kHz sine at -20 dBFS");
    check_signal(&music, "music-like signal");
  }
  stereo_free(&sine);
  stereo_free(&music);
}

// Opus takes 48 kHz (not 44.1): the writer converts, says so, and the tone
// stays at its pitch (a relabelled rate would play it 8.8 % sharp).
static void
test_opus_at_44100_is_converted(void)
{
  Stereo        s     = make_sine();
  MdWriterStats stats = {0};
  char          note[200];
  Decoded       d;
  if (s.left && s.right && write_file(test_path("44.opus"), &s, -1.0, NULL, &stats, note, sizeof note) &&
      decode(test_path("44.opus"), &d)) {
    CHECK_MSG(d.rate == 48000U && stats.rate == 48000U, "written at %u Hz (writer: %u)", d.rate, stats.rate);
    CHECK_MSG(strstr(note, "48000 Hz") != NULL, "note: \"%s\"", note);
    CHECK_NEAR(d.frequency_hz, 1000.0, 0.5);
  }
  // A rate MP3 takes stays as it is, with nothing to say.
  if (s.left && s.right && write_file(test_path("44.mp3"), &s, -1.0, NULL, &stats, note, sizeof note) &&
      decode(test_path("44.mp3"), &d)) {
    CHECK_MSG(d.rate == IN_RATE && note[0] == '\0', "MP3 at %u Hz, note \"%s\"", d.rate, note);
    CHECK_NEAR(d.frequency_hz, 1000.0, 0.5);
  }
  stereo_free(&s);
}

// The rate each codec is written at: the asked one when it takes it, else
// the lowest above (no band lost), else its highest.
static void
test_codec_rates(void)
{
  const MdFileFormat* opus = md_file_format_for_path("x.OPUS");
  const MdFileFormat* mp3  = md_file_format_for_path("x.mp3");
  const MdFileFormat* ogg  = md_file_format_for_path("x.ogg");
  CHECK(opus && mp3 && ogg);
  if (opus && mp3 && ogg) {
    CHECK(md_file_format_rate(opus, 48000U) == 48000U && md_file_format_rate(opus, 16000U) == 16000U);
    CHECK(md_file_format_rate(opus, 44100U) == 48000U && md_file_format_rate(opus, 22050U) == 24000U);
    CHECK(md_file_format_rate(opus, 96000U) == 48000U && md_file_format_rate(opus, 32000U) == 48000U);
    CHECK(md_file_format_rate(mp3, 44100U) == 44100U && md_file_format_rate(mp3, 96000U) == 48000U);
    CHECK(md_file_format_rate(mp3, 88200U) == 48000U && md_file_format_rate(ogg, 96000U) == 96000U);
  }
  // Through the writer: a 96 kHz MP3 is written at 48 kHz.
  Stereo s = make_sine();
  s.frames = 2U * IN_RATE;
  MdWriter* w = NULL;
  char      message[512];
  if (s.left && s.right && md_writer_open(test_path("96.mp3"), MIXDOWN_FORMAT_DEFAULT, MD_DITHER_NONE, IN_RATE,
                                          96000U, s.frames, &w, message, sizeof message) == MIXDOWN_SUCCESS) {
    MdWriterStats stats = {0};
    CHECK(md_writer_write(w, s.left, s.right, s.frames, message, sizeof message) == MIXDOWN_SUCCESS);
    CHECK(md_writer_commit(w, &stats, message, sizeof message) == MIXDOWN_SUCCESS);
    Decoded d;
    if (decode(test_path("96.mp3"), &d)) {
      CHECK_MSG(d.rate == 48000U && stats.rate == 48000U, "96 kHz MP3 written at %u Hz", d.rate);
      CHECK_NEAR(d.frequency_hz, 1000.0, 0.5);
    }
  }
  stereo_free(&s);
}

static void
test_lossy_tags(void)
{
  char* tags[] = {"Night Drive", "The Mixers", "Demos", "2026", "Synthwave", "final mix", "(c) us", "7"};
  Stereo s     = make_sine();
  s.frames     = IN_RATE; // a second is enough
  for (size_t k = 0U; s.left && s.right && k < sizeof lossy / sizeof lossy[0]; ++k) {
    const char* path = test_path(lossy[k].name);
    if (!write_file(path, &s, -1.0, tags, NULL, NULL, 0U)) {
      continue;
    }
    SF_INFO  info = {0};
    SNDFILE* f    = sf_open(path, SFM_READ, &info);
    CHECK(f != NULL);
    if (!f) {
      continue;
    }
    static const int fields[] = {SF_STR_TITLE, SF_STR_ARTIST, SF_STR_ALBUM, SF_STR_DATE,
                                 SF_STR_GENRE, SF_STR_COMMENT, SF_STR_COPYRIGHT, SF_STR_TRACKNUMBER};
    for (size_t t = 0U; t < sizeof fields / sizeof fields[0]; ++t) {
      // ID3v2 as libsndfile writes it has no copyright frame.
      if (lossy[k].major == SF_FORMAT_MPEG && fields[t] == SF_STR_COPYRIGHT) {
        continue;
      }
      const char* got = sf_get_string(f, fields[t]);
      CHECK_MSG(got && !strcmp(got, tags[t]), "%s: tag %zu reads \"%s\", wrote \"%s\"", lossy[k].name, t,
                got ? got : "(none)", tags[t]);
    }
    const char* software = sf_get_string(f, SF_STR_SOFTWARE);
    CHECK_MSG(lossy[k].major == SF_FORMAT_MPEG || (software && strstr(software, "mixdown")), "%s: software %s",
              lossy[k].name, software ? software : "(none)");
    sf_close(f);
  }
  stereo_free(&s);
}

static bool
contains(const char* data, size_t n, const char* word)
{
  const size_t len = strlen(word);
  for (size_t i = 0U; i + len <= n; ++i) {
    if (!memcmp(data + i, word, len)) {
      return true;
    }
  }
  return false;
}

// Quality 1 is the best (largest) and 0.2 far smaller, for every codec;
// MP3 is variable bit rate (LAME writes a "Xing" header; "Info" is CBR).
static void
test_lossy_quality(void)
{
  Stereo s = make_music();
  for (size_t k = 0U; s.left && s.right && k < sizeof lossy / sizeof lossy[0]; ++k) {
    Decoded best;
    Decoded small;
    char name[64];
    char best_path[512];
    char small_path[512];
    snprintf(name, sizeof name, "best-%s", lossy[k].name);
    snprintf(best_path, sizeof best_path, "%s", test_path(name));
    snprintf(name, sizeof name, "small-%s", lossy[k].name);
    snprintf(small_path, sizeof small_path, "%s", test_path(name));
    if (!write_file(best_path, &s, 1.0, NULL, NULL, NULL, 0U) ||
        !write_file(small_path, &s, 0.2, NULL, NULL, NULL, 0U) || !decode(best_path, &best) ||
        !decode(small_path, &small)) {
      continue;
    }
    CHECK_MSG(best.bytes > 2L * small.bytes, "%s: quality 1 is %ld bytes, 0.2 is %ld", lossy[k].name, best.bytes,
              small.bytes);
    const double kbps = (double)best.bytes * 8.0 / SECONDS / 1000.0;
    printf("    %s: quality 1 %.0f kbit/s, 0.2 %.0f kbit/s\n", lossy[k].name, kbps,
           (double)small.bytes * 8.0 / SECONDS / 1000.0);
    if (lossy[k].major == SF_FORMAT_MPEG) {
      FILE* f = fopen(small_path, "rb");
      char  head[8192];
      const size_t n = f ? fread(head, 1U, sizeof head, f) : 0U;
      if (f) {
        fclose(f);
      }
      CHECK_MSG(contains(head, n, "Xing"), "MP3 is not variable bit rate (no Xing header)");
    }
  }
  stereo_free(&s);
}

// Names the writer cannot honour are refused, and nothing is left behind.
static void
test_refusals(void)
{
  MdWriter* w = NULL;
  char      message[512];
  CHECK(md_writer_open(test_path("mix.aiff"), MIXDOWN_FORMAT_PCM_24, MD_DITHER_NONE, IN_RATE, 0U, 100U, &w, message,
                       sizeof message) == MIXDOWN_ERR_BAD_ARG && !w);
  CHECK_MSG(strstr(message, ".opus") != NULL, "message: %s", message);
  CHECK(md_writer_open(test_path("mix.flac"), MIXDOWN_FORMAT_FLOAT, MD_DITHER_NONE, IN_RATE, 0U, 100U, &w, message,
                       sizeof message) == MIXDOWN_ERR_BAD_ARG && !w);
  CHECK_MSG(strstr(message, "16 or 24") != NULL, "message: %s", message);
  struct stat st;
  CHECK(stat(test_path("mix.aiff"), &st) != 0);
  // Quality outside 0 … 1, or after audio, is refused.
  CHECK(md_writer_open(test_path("q.ogg"), MIXDOWN_FORMAT_DEFAULT, MD_DITHER_NONE, IN_RATE, 0U, 100U, &w, message,
                       sizeof message) == MIXDOWN_SUCCESS);
  if (w) {
    const float x[100] = {0};
    CHECK(md_writer_set_quality(w, 1.5) == MIXDOWN_ERR_BAD_ARG);
    CHECK(md_writer_write(w, x, x, 100U, message, sizeof message) == MIXDOWN_SUCCESS);
    CHECK(md_writer_set_quality(w, 0.5) == MIXDOWN_ERR_BAD_ARG);
    md_writer_abort(w);
  }
}

// Over full scale, a lossy file clips when decoded to integer: counted.
static void
test_lossy_counts_overs(void)
{
  Stereo s = make_sine();
  for (uint32_t i = 0U; s.left && s.right && i < s.frames; ++i) {
    s.left[i] *= 12.0F; // peaks at 1.2
  }
  MdWriterStats stats = {0};
  if (s.left && s.right && write_file(test_path("over.ogg"), &s, -1.0, NULL, &stats, NULL, 0U)) {
    CHECK_MSG(stats.clipped > (uint64_t)s.frames / 10U, "%llu samples over full scale counted",
              (unsigned long long)stats.clipped);
  }
  stereo_free(&s);
}

// The figures render prints are the writer's own meter (io/loudness.c);
// libebur128 on the written file must agree: 0.05 LU, 0.1 dB of true peak.
static void
test_own_meter_agrees_with_libebur128(void)
{
  const char* path = test_path("meter.wav");
  Stereo      s    = make_music();
  MdWriterStats stats = {0};
  if (!s.left || !s.right || !write_file(path, &s, -1.0, NULL, &stats, NULL, 0U)) {
    stereo_free(&s);
    return;
  }
  SF_INFO        info  = {0};
  SNDFILE*       f     = sf_open(path, SFM_READ, &info);
  ebur128_state* meter = ebur128_init(2U, (unsigned long)info.samplerate, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
  float          chunk[2048];
  sf_count_t     got   = 0;
  while (f && meter && (got = sf_readf_float(f, chunk, 1024)) > 0) {
    ebur128_add_frames_float(meter, chunk, (size_t)got);
  }
  double lufs = -HUGE_VAL, tp_l = 0.0, tp_r = 0.0;
  if (meter) {
    ebur128_loudness_global(meter, &lufs);
    ebur128_true_peak(meter, 0U, &tp_l);
    ebur128_true_peak(meter, 1U, &tp_r);
    ebur128_destroy(&meter);
  }
  if (f) {
    sf_close(f);
  }
  const double tp_db = 20.0 * log10(fmax(tp_l, tp_r));
  const double ours  = 20.0 * log10(stats.true_peak);
  CHECK_MSG(fabs(stats.loudness_lufs - lufs) <= 0.05, "writer %.3f LUFS, libebur128 %.3f", stats.loudness_lufs, lufs);
  CHECK_MSG(fabs(ours - tp_db) <= 0.1, "writer %.3f dBTP, libebur128 %.3f", ours, tp_db);
  fprintf(stderr, "    writer's meter %.3f LUFS %.3f dBTP; libebur128 on the file %.3f LUFS %.3f dBTP\n", stats.loudness_lufs,
            ours, lufs, tp_db);
  stereo_free(&s);
}

// Writes `frames` frames of `s` to `path` in `format` without dither.
static bool
write_lossless(const char* path, MixdownSampleFormat format, const Stereo* s, MdWriterStats* stats)
{
  MdWriter* w = NULL;
  char      message[512] = "";
  if (md_writer_open(path, format, MD_DITHER_NONE, IN_RATE, 0U, s->frames, &w, message, sizeof message)) {
    test_fail(__FILE__, __LINE__, "%s: %s", path, message);
    return false;
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (uint32_t done = 0U; !st && done < s->frames;) {
    const uint32_t n = s->frames - done < 1001U ? s->frames - done : 1001U;
    st               = md_writer_write(w, s->left + done, s->right + done, n, message, sizeof message);
    done += n;
  }
  st = st ? (md_writer_abort(w), st) : md_writer_commit(w, stats, message, sizeof message);
  CHECK_MSG(st == MIXDOWN_SUCCESS, "%s: %s", path, message);
  return st == MIXDOWN_SUCCESS;
}

// Reads a stereo file back as floats (frames in *frames).
static float*
read_back(const char* path, uint64_t* frames)
{
  SF_INFO  info = {0};
  SNDFILE* f    = sf_open(path, SFM_READ, &info);
  CHECK_MSG(f && info.channels == 2, "%s: %s", path, sf_strerror(NULL));
  if (!f) {
    return NULL;
  }
  float* x = malloc((size_t)info.frames * 2U * sizeof(float) + 1U);
  *frames  = x ? (uint64_t)sf_readf_float(f, x, info.frames) : 0U;
  sf_close(f);
  return x;
}

// 32-bit float WAV keeps every sample to the bit; the stats are the
// signal's: frames, peak and the correlation sums.
static void
test_float_wav_is_exact(void)
{
  Stereo        s     = make_music();
  MdWriterStats stats = {0};
  s.left[100]         = -1.75f; // over full scale: a float file keeps it
  if (s.left && write_lossless(test_path("exact.wav"), MIXDOWN_FORMAT_FLOAT, &s, &stats)) {
    uint64_t frames = 0U;
    float*   x      = read_back(test_path("exact.wav"), &frames);
    unsigned wrong  = 0U;
    double   lr = 0.0, ll = 0.0, rr = 0.0;
    for (uint32_t i = 0U; x && i < s.frames; ++i) {
      wrong += x[2U * i] != s.left[i] || x[2U * i + 1U] != s.right[i];
      lr += (double)s.left[i] * s.right[i];
      ll += (double)s.left[i] * s.left[i];
      rr += (double)s.right[i] * s.right[i];
    }
    CHECK(frames == s.frames && stats.frames == s.frames);
    CHECK_MSG(wrong == 0U, "%u frames differ", wrong);
    CHECK_MSG(stats.peak == 1.75 && stats.clipped == 0U, "peak %g, %llu clipped", stats.peak,
              (unsigned long long)stats.clipped);
    CHECK_NEAR(stats.sum_lr / sqrt(stats.sum_ll * stats.sum_rr), lr / sqrt(ll * rr), 1e-9);
    free(x);
  }
  stereo_free(&s);
}

// Integer formats without dither round to the nearest step (half a step
// at most), and every sample past full scale is clipped and counted.
static void
test_integer_formats_round_and_count_clips(void)
{
  const struct {
    const char*         name;
    MixdownSampleFormat format;
    double              step;
  } cases[] = {
    {"r16.wav", MIXDOWN_FORMAT_PCM_16, 1.0 / 32768.0},
    {"r24.wav", MIXDOWN_FORMAT_PCM_24, 1.0 / 8388608.0},
    {"r16.flac", MIXDOWN_FORMAT_PCM_16, 1.0 / 32768.0},
    {"r24.flac", MIXDOWN_FORMAT_PCM_24, 1.0 / 8388608.0},
  };
  for (size_t k = 0U; k < sizeof cases / sizeof cases[0]; ++k) {
    Stereo s = make_music();
    if (!s.left) {
      continue;
    }
    for (uint32_t i = 1000U; i < 1010U; ++i) {
      s.left[i]  = 1.5f;  // 10 overs on the left…
      s.right[i] = -2.0f; // …and 10 on the right
    }
    MdWriterStats stats = {0};
    if (write_lossless(test_path(cases[k].name), cases[k].format, &s, &stats)) {
      uint64_t frames = 0U;
      float*   x      = read_back(test_path(cases[k].name), &frames);
      double   worst  = 0.0;
      for (uint32_t i = 0U; x && i < s.frames; ++i) {
        if (i < 1000U || i >= 1010U) {
          worst = fmax(worst, fabs((double)x[2U * i] - s.left[i]));
          worst = fmax(worst, fabs((double)x[2U * i + 1U] - s.right[i]));
        }
      }
      CHECK(frames == s.frames);
      CHECK_MSG(worst <= 0.5 * cases[k].step * 1.0001, "%s: error %.3f steps", cases[k].name, worst / cases[k].step);
      CHECK_MSG(x && x[2000] >= 1.0f - cases[k].step && x[2001] == -1.0f, "%s: overs read back as %g, %g",
                cases[k].name, x ? (double)x[2000] : 0.0, x ? (double)x[2001] : 0.0);
      CHECK_MSG(stats.clipped == 20U, "%s: %llu samples counted as clipped", cases[k].name,
                (unsigned long long)stats.clipped);
      CHECK(stats.peak == 2.0);
      free(x);
    }
    stereo_free(&s);
  }
}

// An aborted write leaves the previous file as it was, and a new name unused.
static void
test_abort_keeps_the_previous_file(void)
{
  Stereo        s     = make_sine();
  MdWriterStats stats = {0};
  if (!s.left || !write_lossless(test_path("kept.wav"), MIXDOWN_FORMAT_PCM_24, &s, &stats)) {
    stereo_free(&s);
    return;
  }
  uint64_t before_frames = 0U;
  float*   before        = read_back(test_path("kept.wav"), &before_frames);
  const char* paths[2]   = {test_path("kept.wav"), test_path("never.wav")};
  for (int k = 0; k < 2; ++k) {
    MdWriter* w = NULL;
    char      message[512];
    CHECK(md_writer_open(paths[k], MIXDOWN_FORMAT_PCM_16, MD_DITHER_TPDF, IN_RATE, 0U, 100U, &w, message,
                         sizeof message) == MIXDOWN_SUCCESS);
    if (w) {
      const float x[100] = {0.5f};
      CHECK(md_writer_write(w, x, x, 100U, message, sizeof message) == MIXDOWN_SUCCESS);
      md_writer_abort(w);
    }
  }
  uint64_t after_frames = 0U;
  float*   after        = read_back(paths[0], &after_frames);
  CHECK(before && after && before_frames == s.frames && after_frames == before_frames &&
        !memcmp(before, after, before_frames * 2U * sizeof(float)));
  struct stat st;
  CHECK(stat(paths[1], &st) != 0);
  free(before);
  free(after);
  stereo_free(&s);
}

const TestCase writer_tests[] = {
  {"writer: its loudness and true peak are libebur128's on the written file", test_own_meter_agrees_with_libebur128},
  {"writer: MP3, Vorbis, Opus decode at the WAV's loudness (±0.5 LU) and length", test_lossy_loudness_and_length},
  {"writer: Opus at 44.1 kHz is converted to 48 kHz, at pitch, with a note", test_opus_at_44100_is_converted},
  {"writer: rates a codec does not take go to the nearest above (Opus 44.1 → 48 kHz; MP3 96 → 48)",
   test_codec_rates},
  {"writer: tags read back from MP3, Vorbis and Opus", test_lossy_tags},
  {"writer: lossy quality 1 is larger than 0.2; MP3 is VBR", test_lossy_quality},
  {"writer: unknown names and FLAC float refused; quality out of range or late refused", test_refusals},
  {"writer: lossy samples over full scale are counted as clipped", test_lossy_counts_overs},
  {"writer: 32-bit float WAV keeps every sample and the stats are the signal's", test_float_wav_is_exact},
  {"writer: 16/24-bit WAV and FLAC round within half a step; overs clipped and counted",
   test_integer_formats_round_and_count_clips},
  {"writer: an aborted write keeps the previous file and leaves no new one", test_abort_keeps_the_previous_file},
  {NULL, NULL},
};
