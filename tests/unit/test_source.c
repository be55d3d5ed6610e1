// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Sources (src/io/source.c, through io/source.h): integer PCM and FLAC
// decode to the exact values written, planar; an offset starts there; a
// 44.1 kHz file comes out at 48 kHz at pitch, level and length; NaN and
// infinity become silence, counted; a file of three channels, an empty,
// a cut or a text file is refused with a reason; a file truncated while it
// plays is an error, never silence; without a descriptor slot the audio
// is the same; 24-bit PCM, decoded by source.c itself, gives libsndfile's
// floats to the bit.

#include "io/source.h"
#include "support.h"

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

// Interleaved 16-bit samples: channel c of frame i is (i * 7 + c * 1000) % 65536 - 32768.
static short
pcm_value(uint32_t i, uint32_t c)
{
  return (short)((int32_t)((i * 7U + c * 1000U) % 65536U) - 32768);
}

static bool
write_pcm(const char* path, int format, uint32_t frames, uint32_t channels, uint32_t rate)
{
  SF_INFO  info = {.samplerate = (int)rate, .channels = (int)channels, .format = format};
  SNDFILE* f    = sf_open(path, SFM_WRITE, &info);
  if (!f) {
    test_fail(__FILE__, __LINE__, "cannot write %s: %s", path, sf_strerror(NULL));
    return false;
  }
  short* x = malloc((size_t)frames * channels * sizeof(short));
  for (uint32_t i = 0U; x && i < frames; ++i) {
    for (uint32_t c = 0U; c < channels; ++c) {
      x[i * channels + c] = pcm_value(i, c);
    }
  }
  const bool ok = x && sf_writef_short(f, x, frames) == (sf_count_t)frames;
  sf_close(f);
  free(x);
  return ok;
}

// Reads `frames` frames from `s` in blocks of `block` into `out` (planar).
static MixdownStatus
read_all(MdSource* s, float* const* out, uint32_t frames, uint32_t block, uint64_t* non_finite, uint32_t* first_bad,
         char* message, size_t size)
{
  MixdownStatus st = MIXDOWN_SUCCESS;
  *first_bad       = UINT32_MAX;
  for (uint32_t at = 0U; !st && at < frames; at += block) {
    const uint32_t n     = frames - at < block ? frames - at : block;
    float* const   to[2] = {out[0] + at, out[1] ? out[1] + at : NULL};
    uint32_t       bad   = UINT32_MAX;
    st                   = md_source_read(s, to, n, non_finite, &bad, message, size);
    if (bad != UINT32_MAX && *first_bad == UINT32_MAX) {
      *first_bad = at + bad;
    }
  }
  return st;
}

static void
check_pcm_exact(const char* name, int format)
{
  const uint32_t frames = 5000U;
  if (!write_pcm(test_path(name), format, frames, 2U, 48000U)) {
    return;
  }
  char      message[300] = "";
  MdSource* s            = md_source_open(test_path(name), 0, 48000.0, message, sizeof message);
  CHECK_MSG(s, "%s: %s", name, message);
  if (!s) {
    return;
  }
  CHECK(md_source_channels(s) == 2U && md_source_length(s) == frames && md_source_file_frames(s) == frames);
  float*       l      = malloc((frames + 100U) * sizeof(float));
  float*       r      = malloc((frames + 100U) * sizeof(float));
  float* const out[2] = {l, r};
  uint64_t     non_finite = 0U;
  uint32_t     bad        = 0U;
  CHECK(read_all(s, out, frames + 100U, 999U, &non_finite, &bad, message, sizeof message) == MIXDOWN_SUCCESS);
  unsigned wrong = 0U;
  for (uint32_t i = 0U; i < frames; ++i) {
    wrong += l[i] != pcm_value(i, 0U) / 32768.0f || r[i] != pcm_value(i, 1U) / 32768.0f;
  }
  for (uint32_t i = frames; i < frames + 100U; ++i) {
    wrong += l[i] != 0.0f || r[i] != 0.0f; // past the end: silence
  }
  CHECK_MSG(wrong == 0U, "%s: %u samples wrong", name, wrong);
  CHECK(non_finite == 0U && bad == UINT32_MAX && md_source_delivered(s) == frames);
  md_source_close(s);
  free(l);
  free(r);
}

static void
test_pcm_and_flac_decode_exactly(void)
{
  check_pcm_exact("pcm16.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  check_pcm_exact("pcm24.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24);
  check_pcm_exact("pcm16.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16);
}

static void
test_offset_starts_there(void)
{
  if (!write_pcm(test_path("off.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 3000U, 1U, 48000U)) {
    return;
  }
  char      message[300] = "";
  MdSource* s            = md_source_open(test_path("off.wav"), 1234, 48000.0, message, sizeof message);
  CHECK_MSG(s, "%s", message);
  if (s) {
    CHECK(md_source_channels(s) == 1U && md_source_length(s) == 3000U - 1234U);
    float        x[100];
    float* const out[1] = {x};
    uint64_t     nf     = 0U;
    CHECK(md_source_read(s, out, 100U, &nf, NULL, message, sizeof message) == MIXDOWN_SUCCESS);
    CHECK_MSG(x[0] == pcm_value(1234U, 0U) / 32768.0f && x[99] == pcm_value(1333U, 0U) / 32768.0f, "%g",
              (double)x[0]);
    md_source_close(s);
  }
  // An offset past the end plays silence, of no length.
  s = md_source_open(test_path("off.wav"), 5000, 48000.0, message, sizeof message);
  if (s) {
    CHECK(md_source_length(s) == 0U);
    md_source_close(s);
  }
}

static void
test_rate_conversion(void)
{
  test_write_sine(test_path("44k.wav"), 1000.0, 0.5, 1.0, 1U, 44100U);
  char      message[300] = "";
  MdSource* s            = md_source_open(test_path("44k.wav"), 0, 48000.0, message, sizeof message);
  CHECK_MSG(s, "%s", message);
  if (!s) {
    return;
  }
  CHECK_MSG(md_source_length(s) == 48000U, "length %llu at 48 kHz", (unsigned long long)md_source_length(s));
  CHECK(md_source_file_frames(s) == 44100);
  float*       x      = malloc(48000U * sizeof(float));
  float* const out[2] = {x, NULL};
  uint64_t     nf     = 0U;
  uint32_t     bad    = 0U;
  CHECK(read_all(s, out, 48000U, 1024U, &nf, &bad, message, sizeof message) == MIXDOWN_SUCCESS);
  // Away from the converter's edges: 1 kHz at -6.02 dB peak (-9.03 dB RMS).
  CHECK_NEAR(test_frequency(x + 2400, 43200U, 48000.0), 1000.0, 0.01);
  CHECK_NEAR(test_rms_db(x + 2400, 43200U), 20.0 * log10(0.5 / sqrt(2.0)), 0.01);
  md_source_close(s);
  free(x);
}

static void
test_non_finite_samples_become_silence(void)
{
  float x[200];
  for (int i = 0; i < 200; ++i) {
    x[i] = 0.25f;
  }
  x[2 * 10 + 1] = NAN;      // frame 10, right
  x[2 * 20]     = INFINITY; // frame 20, left
  x[2 * 99]     = -INFINITY;
  test_write_wav(test_path("nan.wav"), x, 100U, 2U, 48000U);
  char      message[300] = "";
  MdSource* s            = md_source_open(test_path("nan.wav"), 0, 48000.0, message, sizeof message);
  CHECK_MSG(s, "%s", message);
  if (s) {
    float        l[100], r[100];
    float* const out[2] = {l, r};
    uint64_t     nf     = 0U;
    uint32_t     bad    = 0U;
    CHECK(read_all(s, out, 100U, 15U, &nf, &bad, message, sizeof message) == MIXDOWN_SUCCESS);
    CHECK_MSG(nf == 3U && bad == 10U, "%llu replaced, the first at %u", (unsigned long long)nf, bad);
    CHECK(r[10] == 0.0f && l[20] == 0.0f && l[99] == 0.0f && l[10] == 0.25f && r[20] == 0.25f);
    md_source_close(s);
  }
}

static void
write_bytes(const char* path, const void* data, size_t n)
{
  FILE* f = fopen(path, "wb");
  CHECK(f && fwrite(data, 1U, n, f) == n);
  if (f) {
    fclose(f);
  }
}

// Copies the first `n` bytes of `from` into `to`.
static void
cut_copy(const char* from, const char* to, size_t n)
{
  FILE*          f    = fopen(from, "rb");
  unsigned char* data = malloc(n);
  CHECK(f && data && fread(data, 1U, n, f) == n);
  if (f) {
    fclose(f);
  }
  write_bytes(to, data, n);
  free(data);
}

static void
test_odd_files_are_refused_cleanly(void)
{
  char      message[300];
  float     three[30] = {0};
  test_write_wav(test_path("three.wav"), three, 10U, 3U, 48000U);
  write_bytes(test_path("empty.wav"), "", 0U);
  write_bytes(test_path("text.wav"), "hello, this is not audio\n", 25U);
  write_pcm(test_path("whole.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1000U, 2U, 48000U);
  cut_copy(test_path("whole.wav"), test_path("cut-header.wav"), 20U);
  const struct {
    const char* name;
    const char* says;
  } cases[] = {
    {"three.wav", "3 channels"},  {"empty.wav", "cannot open"}, {"text.wav", "cannot open"},
    {"cut-header.wav", "cannot open"}, {"missing.wav", "No such file"}, {".", "cannot open"},
  };
  for (size_t k = 0U; k < sizeof cases / sizeof cases[0]; ++k) {
    message[0]  = '\0';
    MdSource* s = md_source_open(test_path(cases[k].name), 0, 48000.0, message, sizeof message);
    CHECK_MSG(!s && strstr(message, cases[k].says), "%s: %s", cases[k].name, s ? "opened" : message);
    md_source_close(s);
  }
}

// Truncated after it was opened: the audio before the cut, then an error
// naming the file (never silence passed off as the rest).
static void
test_truncated_while_playing(void)
{
  if (!write_pcm(test_path("trunc.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 100000U, 1U, 48000U)) {
    return;
  }
  char      message[300] = "";
  MdSource* s            = md_source_open(test_path("trunc.wav"), 0, 48000.0, message, sizeof message);
  CHECK_MSG(s, "%s", message);
  if (!s) {
    return;
  }
  float*       x      = malloc(100000U * sizeof(float));
  float* const out[2] = {x, NULL};
  uint64_t     nf     = 0U;
  uint32_t     bad    = 0U;
  CHECK(read_all(s, out, 1000U, 1000U, &nf, &bad, message, sizeof message) == MIXDOWN_SUCCESS);
  CHECK(truncate(test_path("trunc.wav"), 44 + 2 * 50000) == 0); // half the frames left
  const MixdownStatus st = read_all(s, out, 100000U, 1000U, &nf, &bad, message, sizeof message);
  CHECK(st == MIXDOWN_ERR_DECODE);
  CHECK_MSG(strstr(message, "trunc.wav") && strstr(message, "truncated"), "%s", message);
  CHECK_MSG(md_source_delivered(s) <= 50000U && md_source_delivered(s) >= 40000U, "delivered %llu",
            (unsigned long long)md_source_delivered(s));
  md_source_close(s);
  free(x);
}

// Reads the whole of `name` at 48 kHz into a new buffer.
static float*
decode(const char* name, uint32_t frames)
{
  char      message[300] = "";
  MdSource* s            = md_source_open(test_path(name), 0, 48000.0, message, sizeof message);
  CHECK_MSG(s, "%s", message);
  if (!s) {
    return NULL;
  }
  float*       x      = calloc(frames, sizeof(float));
  float*       y      = calloc(frames, sizeof(float));
  float* const out[2] = {x, y};
  uint64_t     nf     = 0U;
  uint32_t     bad    = 0U;
  CHECK(read_all(s, out, frames, 4096U, &nf, &bad, message, sizeof message) == MIXDOWN_SUCCESS);
  md_source_close(s);
  free(y);
  return x;
}

// Descriptors scarce (no slot of the file budget): the file is opened by
// name for each read, and the audio is the same to the bit.
static void
test_without_a_slot_the_audio_is_the_same(void)
{
  test_write_sine(test_path("slot.wav"), 440.0, 0.5, 2.0, 2U, 44100U);
  float*        held = decode("slot.wav", 96000U);
  struct rlimit was;
  CHECK(getrlimit(RLIMIT_NOFILE, &was) == 0);
  struct rlimit scarce = was;
  scarce.rlim_cur      = 64U; // all kept back as the reserve: no slots
  CHECK(setrlimit(RLIMIT_NOFILE, &scarce) == 0);
  float* unheld = decode("slot.wav", 96000U);
  CHECK(setrlimit(RLIMIT_NOFILE, &was) == 0);
  CHECK(held && unheld && !memcmp(held, unheld, 96000U * sizeof(float)));
  free(held);
  free(unheld);
}

// 24-bit samples over the whole range (the extremes included), as ints.
static int32_t
pcm24_value(uint32_t i, uint32_t c)
{
  if (i < 4U) {
    const int32_t ends[4] = {-8388608, 8388607, 0, -1};
    return ends[(i + c) % 4U];
  }
  return (int32_t)((i * 2654435761U + c * 40503U) % 16777216U) - 8388608;
}

// `name` read from frame `offset` on by md_source and by libsndfile's own
// float read: the same floats, bit for bit.
static void
check_pcm24_as_libsndfile(const char* name, int format, uint32_t channels, int64_t offset)
{
  const uint32_t frames = 5003U; // not a multiple of a chunk
  SF_INFO        info   = {.samplerate = 48000, .channels = (int)channels, .format = format};
  SNDFILE*       f      = sf_open(test_path(name), SFM_WRITE, &info);
  CHECK_MSG(f, "cannot write %s: %s", name, sf_strerror(NULL));
  int32_t* x = malloc((size_t)frames * channels * sizeof(int32_t));
  for (uint32_t i = 0U; f && x && i < frames * channels; ++i) {
    x[i] = pcm24_value(i / channels, i % channels) * 256;
  }
  CHECK(f && x && sf_writef_int(f, x, frames) == (sf_count_t)frames);
  sf_close(f);
  free(x);
  const uint32_t left = frames - (uint32_t)offset;
  float*         want = calloc((size_t)frames * channels, sizeof(float));
  SF_INFO        back = {0};
  SNDFILE*       r    = sf_open(test_path(name), SFM_READ, &back);
  CHECK(r && want && sf_seek(r, offset, SEEK_SET) == offset && sf_readf_float(r, want, left) == (sf_count_t)left);
  sf_close(r);
  char      message[300] = "";
  MdSource* s            = md_source_open(test_path(name), offset, 48000.0, message, sizeof message);
  CHECK_MSG(s, "%s: %s", name, message);
  float*       l      = calloc(frames, sizeof(float));
  float*       rr     = calloc(frames, sizeof(float));
  float* const out[2] = {l, rr};
  uint64_t     nf     = 0U;
  uint32_t     bad    = 0U;
  if (s && want && l && rr) {
    CHECK(read_all(s, out, left, 1000U, &nf, &bad, message, sizeof message) == MIXDOWN_SUCCESS);
    unsigned wrong = 0U;
    for (uint32_t i = 0U; i < left; ++i) {
      for (uint32_t c = 0U; c < channels; ++c) {
        wrong += memcmp(&out[c][i], &want[i * channels + c], sizeof(float)) != 0;
      }
    }
    CHECK_MSG(wrong == 0U && md_source_delivered(s) == left, "%s from %lld: %u samples differ from libsndfile's", name,
              (long long)offset, wrong);
  }
  md_source_close(s);
  free(want);
  free(l);
  free(rr);
}

static void
test_pcm24_decodes_as_libsndfile(void)
{
  check_pcm24_as_libsndfile("p24.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, 2U, 0);
  check_pcm24_as_libsndfile("p24m.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, 1U, 1777);
  check_pcm24_as_libsndfile("p24x.wav", SF_FORMAT_WAVEX | SF_FORMAT_PCM_24, 2U, 3);
  check_pcm24_as_libsndfile("p24.rf64", SF_FORMAT_RF64 | SF_FORMAT_PCM_24, 2U, 1024);
  check_pcm24_as_libsndfile("p24.w64", SF_FORMAT_W64 | SF_FORMAT_PCM_24, 1U, 0);
  check_pcm24_as_libsndfile("p24.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_24, 2U, 5); // big-endian: libsndfile's
}

const TestCase source_tests[] = {
  {"source: 16-bit WAV and AIFF and 24-bit FLAC decode to the values written, planar; silence after",
   test_pcm_and_flac_decode_exactly},
  {"source: 24-bit WAV, WAVEX, RF64, W64 (and AIFF) decode to libsndfile's floats, bit for bit, from any offset",
   test_pcm24_decodes_as_libsndfile},
  {"source: an offset starts at its frame; past the end there is nothing", test_offset_starts_there},
  {"source: 44.1 kHz comes out at 48 kHz at pitch, level and length", test_rate_conversion},
  {"source: NaN and infinity become silence, counted, the first frame named", test_non_finite_samples_become_silence},
  {"source: three channels, empty, text, cut headers, missing files and folders are refused with a reason",
   test_odd_files_are_refused_cleanly},
  {"source: a file truncated while it plays is an error naming it, after the audio it still had",
   test_truncated_while_playing},
  {"source: without a descriptor slot the audio is the same to the bit", test_without_a_slot_the_audio_is_the_same},
  {NULL, NULL},
};
