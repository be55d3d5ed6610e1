// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "support.h"

#include "engine/engine.h"

#include <sndfile.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

unsigned test_failures = 0U;

void
test_fail(const char* file, int line, const char* fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  fprintf(stderr, "    %s:%d: ", file, line);
  vfprintf(stderr, fmt, args);
  fputc('\n', stderr);
  va_end(args);
  ++test_failures;
}

void
test_skip(const char* why)
{
  fprintf(stderr, "    skipped: %s\n", why);
  fflush(stderr);
  exit(test_failures ? 1 : 77);
}

static char dir_buffer[512];

const char*
test_dir(void)
{
  if (!dir_buffer[0]) {
    const char* tmp = getenv("TMPDIR");
    snprintf(dir_buffer, sizeof dir_buffer, "%s/mixdown-unit-XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(dir_buffer)) {
      perror("mkdtemp");
      exit(2);
    }
  }
  return dir_buffer;
}

const char*
test_path(const char* name)
{
  static char slots[8][768];
  static int  next = 0;
  char*       out  = slots[next++ % 8];
  snprintf(out, sizeof slots[0], "%s/%s", test_dir(), name);
  return out;
}

void
test_write_wav(const char* path, const float* data, uint32_t frames, uint32_t channels, uint32_t rate)
{
  SF_INFO  info = {.samplerate = (int)rate, .channels = (int)channels, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
  SNDFILE* f    = sf_open(path, SFM_WRITE, &info);
  if (!f) {
    test_fail(__FILE__, __LINE__, "cannot write %s: %s", path, sf_strerror(NULL));
    return;
  }
  sf_writef_float(f, data, frames);
  sf_close(f);
}

void
test_write_sine(const char* path, double freq, double amplitude, double seconds, uint32_t channels,
                uint32_t rate)
{
  const uint32_t frames = (uint32_t)llround(seconds * rate);
  float*         data   = malloc((size_t)frames * channels * sizeof(float));
  for (uint32_t i = 0U; i < frames; ++i) {
    const float x = (float)(amplitude * sin(2.0 * M_PI * freq * i / rate));
    for (uint32_t c = 0U; c < channels; ++c) {
      data[i * channels + c] = x;
    }
  }
  test_write_wav(path, data, frames, channels, rate);
  free(data);
}

void
test_write_dc(const char* path, float value, double seconds, uint32_t channels, uint32_t rate)
{
  const uint32_t frames = (uint32_t)llround(seconds * rate);
  float*         data   = malloc((size_t)frames * channels * sizeof(float));
  for (uint32_t i = 0U; i < frames * channels; ++i) {
    data[i] = value;
  }
  test_write_wav(path, data, frames, channels, rate);
  free(data);
}

static void
print_diag(void* user, const MixdownDiagnostic* d)
{
  (void)user;
  fprintf(stderr, "    %s:%u:%u: %s\n", d->file, d->line, d->column, d->message);
}

MixdownSession*
test_open_yaml(const char* yaml)
{
  MixdownSession*     session = NULL;
  const MixdownStatus st = mixdown_session_open_string(yaml, strlen(yaml), "<test>", test_dir(), print_diag,
                                                       NULL, &session);
  if (st) {
    test_fail(__FILE__, __LINE__, "session rejected: %s", mixdown_strerror(st));
  }
  return session;
}

// Whether renders skip inserts at rest on silence (md_engine_set_silence_skip()).
static bool skip_silence = true;

// One render of `session` with `threads` workers into `mix`.
static bool
render_with(const MixdownSession* session, uint32_t threads, TestMix* mix)
{
  memset(mix, 0, sizeof *mix);
  MixdownEngine* engine = NULL;
  char           message[512];
  MixdownStatus  st = mixdown_engine_new(session, &engine, message, sizeof message);
  if (st) {
    test_fail(__FILE__, __LINE__, "engine: %s", message);
    return false;
  }
  md_engine_set_silence_skip(engine, skip_silence);
  if ((st = mixdown_engine_set_threads(engine, threads))) {
    test_fail(__FILE__, __LINE__, "engine: cannot start %u threads", threads);
    mixdown_engine_free(engine);
    return false;
  }
  mix->frames  = mixdown_engine_length(engine);
  mix->latency = mixdown_engine_latency(engine);
  mix->left    = calloc(mix->frames + 1U, sizeof(float));
  mix->right   = calloc(mix->frames + 1U, sizeof(float));
  uint64_t done = 0U;
  // Odd pull sizes on purpose: block boundaries must not show in the audio.
  while (done < mix->frames) {
    uint32_t got = 0U;
    st           = mixdown_engine_pull(engine, mix->left + done, mix->right + done, 777U, &got);
    if (st || got == 0U) {
      break;
    }
    done += got;
  }
  CHECK_MSG(!st && done == mix->frames, "pulled %llu of %llu frames (%s)", (unsigned long long)done,
            (unsigned long long)mix->frames, mixdown_engine_message(engine));
  mix->non_finite = mixdown_engine_non_finite_count(engine);
  snprintf(mix->non_finite_where, sizeof mix->non_finite_where, "%s", mixdown_engine_non_finite_where(engine));
  mixdown_engine_free(engine);
  return !st;
}

static bool
same_mix(const TestMix* a, const TestMix* b)
{
  return a->frames == b->frames && !memcmp(a->left, b->left, a->frames * sizeof(float)) &&
         !memcmp(a->right, b->right, a->frames * sizeof(float)) && a->non_finite == b->non_finite &&
         !strcmp(a->non_finite_where, b->non_finite_where);
}

// Every session a test renders is rendered three ways, which must agree to
// the bit: one thread (the result), three threads, and one thread with
// silence skipping off.
const char* test_current_name = "";

// With MIXDOWN_TEST_RENDER_LOG=FILE, every render's bytes are hashed into
// FILE as `unit TEST N HASH` (tests/tools/render-hashes.sh compares the list
// before and after a change that must not change the bytes).  FNV-1a 64.
static void
log_render(const TestMix* mix)
{
  static unsigned renders = 0U;
  const char*     path    = getenv("MIXDOWN_TEST_RENDER_LOG");
  if (!path) {
    return;
  }
  uint64_t h = 0xcbf29ce484222325ULL;
  for (int c = 0; c < 2; ++c) {
    const unsigned char* p = (const unsigned char*)(c == 0 ? mix->left : mix->right);
    for (size_t i = 0U; p && i < mix->frames * sizeof(float); ++i) {
      h = (h ^ p[i]) * 0x100000001b3ULL;
    }
  }
  FILE* log = fopen(path, "a");
  if (log) {
    fprintf(log, "unit %s %u %016llx %llu\n", test_current_name, renders++, (unsigned long long)h,
            (unsigned long long)mix->frames);
    fclose(log);
  }
}

bool
test_render_session(const MixdownSession* session, TestMix* mix)
{
  if (!render_with(session, 1U, mix)) {
    return false;
  }
  log_render(mix);
  TestMix other;
  if (render_with(session, 3U, &other)) {
    CHECK_MSG(same_mix(mix, &other), "3 threads rendered other bytes than 1");
  }
  test_mix_free(&other);
  skip_silence = false;
  if (render_with(session, 1U, &other)) {
    CHECK_MSG(same_mix(mix, &other), "skipping silence changed the bytes");
  }
  skip_silence = true;
  test_mix_free(&other);
  return true;
}

bool
test_render_yaml(const char* yaml, TestMix* mix)
{
  memset(mix, 0, sizeof *mix);
  MixdownSession* session = test_open_yaml(yaml);
  const bool      ok      = session && test_render_session(session, mix);
  mixdown_session_free(session);
  return ok;
}

void
test_mix_free(TestMix* mix)
{
  free(mix->left);
  free(mix->right);
  memset(mix, 0, sizeof *mix);
}

typedef struct {
  char*    first;
  size_t   size;
  unsigned count;
} ErrorSink;

static void
collect(void* user, const MixdownDiagnostic* d)
{
  ErrorSink* sink = user;
  if (d->severity != MIXDOWN_SEVERITY_ERROR) {
    return;
  }
  if (sink->count++ == 0U) {
    snprintf(sink->first, sink->size, "%u:%u: %s", d->line, d->column, d->message);
  }
}

MixdownStatus
test_open_errors(const char* yaml, char* first, size_t size, unsigned* count)
{
  ErrorSink       sink    = {first, size, 0U};
  MixdownSession* session = NULL;
  first[0]                = '\0';
  const MixdownStatus st  = mixdown_session_open_string(yaml, strlen(yaml), "<test>", test_dir(), collect,
                                                        &sink, &session);
  mixdown_session_free(session);
  if (count) {
    *count = sink.count;
  }
  return st;
}

double
test_db(double linear)
{
  return linear > 0.0 ? 20.0 * log10(linear) : -HUGE_VAL;
}

double
test_rms_db(const float* x, uint64_t n)
{
  double sum = 0.0;
  for (uint64_t i = 0U; i < n; ++i) {
    sum += (double)x[i] * x[i];
  }
  return n ? test_db(sqrt(sum / (double)n)) : -HUGE_VAL;
}

double
test_peak_db(const float* x, uint64_t n)
{
  double peak = 0.0;
  for (uint64_t i = 0U; i < n; ++i) {
    peak = fabs(x[i]) > peak ? fabs(x[i]) : peak;
  }
  return test_db(peak);
}

double
test_noise(uint32_t* seed)
{
  uint32_t x = *seed;
  x ^= x << 13U;
  x ^= x >> 17U;
  x ^= x << 5U;
  *seed = x;
  return (double)x / 2147483648.0 - 1.0;
}

double
test_frequency(const float* x, uint64_t n, double rate)
{
  double first = -1.0;
  double last  = -1.0;
  uint64_t crossings = 0U;
  for (uint64_t i = 1U; i < n; ++i) {
    if (x[i - 1U] < 0.0f && x[i] >= 0.0f) {
      const double at = (double)(i - 1U) + (double)x[i - 1U] / ((double)x[i - 1U] - (double)x[i]);
      if (first < 0.0) {
        first = at;
      } else {
        ++crossings;
      }
      last = at;
    }
  }
  return crossings ? (double)crossings * rate / (last - first) : 0.0;
}

void
test_proc_defaults(TestProc* p, const MdProcessorClass* cls, uint32_t channels)
{
  memset(p, 0, sizeof *p);
  p->cls      = cls;
  p->channels = channels;
  for (uint32_t slot = 0U; slot < md_processor_value_count(cls) && slot < 512U; ++slot) {
    p->values[slot] = md_processor_slot_param(cls, slot)->info.default_value;
  }
}

void
test_proc_set(TestProc* p, const char* name, double value)
{
  const int index = md_processor_param_index(p->cls, name);
  CHECK_MSG(index >= 0, "no parameter %s", name);
  if (index >= 0) {
    p->values[md_processor_value_offset(p->cls, (uint32_t)index)] = value;
  }
}

bool
test_proc_prepare(TestProc* p, double rate)
{
  p->state = p->cls->create(p->cls, p->channels, p->values);
  const bool ok = p->state && p->cls->prepare(p->state, rate, 4096U) == MIXDOWN_SUCCESS;
  CHECK(ok);
  return ok;
}

void
test_proc_run(TestProc* p, float* const* io, uint32_t frames, uint32_t block, const float* const* key,
              uint32_t key_channels)
{
  for (uint32_t done = 0U; done < frames; done += block) {
    const uint32_t     n       = frames - done < block ? frames - done : block;
    // io holds one buffer per channel in or out, whichever is more.
    const bool         two     = p->channels > 1U || md_processor_output_channels(p->cls, p->channels) > 1U;
    float* const       part[2] = {io[0] + done, two ? io[1] + done : NULL};
    const float* const keys[2] = {key ? key[0] + done : NULL, key && key_channels > 1U ? key[1] + done : NULL};
    const MdBlock      b       = {(const float* const*)part, part, key ? keys : NULL, key_channels, n};
    p->cls->process(p->state, &b);
  }
}

void
test_proc_free(TestProc* p)
{
  if (p->state) {
    p->cls->destroy(p->state);
  }
  p->state = NULL;
}

double
test_gain_db(const float* in, const float* out, uint64_t from, uint64_t to)
{
  return test_rms_db(out + from, to - from) - test_rms_db(in + from, to - from);
}

void
test_write_text(const char* path, const char* text)
{
  FILE* f = fopen(path, "wb");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

char*
test_read_file(const char* path, size_t* length)
{
  if (length) {
    *length = 0U;
  }
  FILE* f = fopen(path, "rb");
  if (!f) {
    return NULL;
  }
  char*  text = NULL;
  size_t size = 0U;
  char   chunk[4096];
  size_t got;
  while ((got = fread(chunk, 1U, sizeof chunk, f)) > 0U) {
    char* more = realloc(text, size + got + 1U);
    if (!more) {
      break;
    }
    text = more;
    memcpy(text + size, chunk, got);
    size += got;
    text[size] = '\0';
  }
  fclose(f);
  if (length) {
    *length = size;
  }
  return text;
}

void
test_said_error(void* user_data, const MixdownDiagnostic* d)
{
  TestSaid* said = user_data;
  if (d->severity == MIXDOWN_SEVERITY_ERROR && !said->count++) {
    snprintf(said->message, sizeof said->message, "%s", d->message);
    said->line   = d->line;
    said->column = d->column;
  }
}
