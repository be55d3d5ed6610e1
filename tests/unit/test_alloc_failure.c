// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Out of memory, everywhere: opens a rich session (tracks, buses, sends,
// a sidechain key, automation, every built-in insert type including a
// convolution reverb with an impulse file, clips of mono and stereo
// files) and renders it (3 threads, the render cache on), making the Nth
// allocation of our code fail, for N = 1, 2, 3 … until a run makes fewer
// than N allocations.  Each run is a child process, so that a crash, a
// sanitizer report or a leak (LeakSanitizer, in the ASan build) fails that
// run only and names its N.  A run must either fail cleanly —
// MIXDOWN_ERR_NO_MEM from the call that ran out — or succeed with the mix
// it renders without a failure, to the bit (a failure an engine may work
// around, such as a cache file it cannot open, must not change the audio).
//
// Linked with -Wl,--wrap=malloc,… against the static library: the linker
// sends our code's calls (the library's and this file's) to the __wrap_
// functions below; allocations inside shared libraries (libyaml,
// libsndfile, FFTW's planner) are theirs and are not counted.  The
// render is run twice over: with an empty cache folder (writing) and with
// one a complete render filled (reading).
//
// Usage: test-alloc [-v]   (-v: a line also for each failure worked
// around; each line names the function and line of the failing call)

#define _GNU_SOURCE // dladdr
#include "mixdown.h"

#include <dlfcn.h>

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sndfile.h>

/* ---- The failing allocator ---------------------------------------------- */

void* __real_malloc(size_t size);
void* __real_calloc(size_t count, size_t size);
void* __real_realloc(void* p, size_t size);
char* __real_strdup(const char* s);
char* __real_strndup(const char* s, size_t n);
char* __real_realpath(const char* path, char* resolved);
void* __real_fftwf_alloc_real(size_t n);
void* __real_fftwf_alloc_complex(size_t n);
void* __real_XXH3_createState(void);

void* __wrap_malloc(size_t size);
void* __wrap_calloc(size_t count, size_t size);
void* __wrap_realloc(void* p, size_t size);
char* __wrap_strdup(const char* s);
char* __wrap_strndup(const char* s, size_t n);
char* __wrap_realpath(const char* path, char* resolved);
void* __wrap_fftwf_alloc_real(size_t n);
void* __wrap_fftwf_alloc_complex(size_t n);
void* __wrap_XXH3_createState(void);

// What a run tells the parent, in memory shared with it.
typedef struct {
  atomic_long calls;     ///< Allocations counted while armed
  atomic_long failed_at; ///< Return address of the call made to fail (0: none yet)
} Shared;

static Shared*     shared;
static atomic_bool armed;
static long        fail_at; ///< Which allocation fails (1 = the first); 0: none

// True when this allocation is the one to fail (and records where it was).
static bool
fail_now(void* caller)
{
  if (!atomic_load_explicit(&armed, memory_order_relaxed)) {
    return false;
  }
  const long n = atomic_fetch_add(&shared->calls, 1L) + 1L;
  if (n != fail_at) {
    return false;
  }
  atomic_store(&shared->failed_at, (long)(intptr_t)caller);
  errno = ENOMEM;
  return true;
}

#define CALLER __builtin_return_address(0)

void*
__wrap_malloc(size_t size)
{
  return fail_now(CALLER) ? NULL : __real_malloc(size);
}
void*
__wrap_calloc(size_t count, size_t size)
{
  return fail_now(CALLER) ? NULL : __real_calloc(count, size);
}
void*
__wrap_realloc(void* p, size_t size)
{
  return fail_now(CALLER) ? NULL : __real_realloc(p, size);
}
char*
__wrap_strdup(const char* s)
{
  return fail_now(CALLER) ? NULL : __real_strdup(s);
}
char*
__wrap_strndup(const char* s, size_t n)
{
  return fail_now(CALLER) ? NULL : __real_strndup(s, n);
}
// realpath() allocates its answer when not given a buffer.
char*
__wrap_realpath(const char* path, char* resolved)
{
  return !resolved && fail_now(CALLER) ? NULL : __real_realpath(path, resolved);
}
void*
__wrap_fftwf_alloc_real(size_t n)
{
  return fail_now(CALLER) ? NULL : __real_fftwf_alloc_real(n);
}
void*
__wrap_fftwf_alloc_complex(size_t n)
{
  return fail_now(CALLER) ? NULL : __real_fftwf_alloc_complex(n);
}
void*
__wrap_XXH3_createState(void)
{
  return fail_now(CALLER) ? NULL : __real_XXH3_createState();
}

/* ---- The session and its files ------------------------------------------ */

#define RATE 48000U

static char dir[256];

static void
write_wav(const char* name, uint32_t frames, uint32_t channels, double freq, double decay_frames, uint32_t seed)
{
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  SF_INFO  info = {.samplerate = RATE, .channels = (int)channels, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
  SNDFILE* f    = sf_open(path, SFM_WRITE, &info);
  float*   x    = malloc((size_t)frames * channels * sizeof(float));
  if (!f || !x) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(2);
  }
  for (uint32_t i = 0U; i < frames; ++i) {
    for (uint32_t c = 0U; c < channels; ++c) {
      seed ^= seed << 13U;
      seed ^= seed >> 17U;
      seed ^= seed << 5U;
      const double noise = (double)seed / 4294967296.0 - 0.5;
      const double tone  = sin(2.0 * M_PI * freq * (c + 1U) * i / RATE);
      x[i * channels + c] = (float)((freq > 0.0 ? 0.4 * tone : noise) * exp(-(double)i / decay_frames));
    }
  }
  sf_writef_float(f, x, frames);
  sf_close(f);
  free(x);
}

// Every built-in insert type; a sidechain key; sends pre and post fader;
// automation of strip and insert values; mono and stereo clips on one
// track; a muted and a soloed-free layout; tags and an output.
static const char* const session_yaml =
  "mixdown: 1\n"
  "sample_rate: 48000\n"
  "tempo: 120\n"
  "length: 0.4\n"
  "output: {file: out.wav, bits: 24, dither: tpdf, title: Out of memory, artist: mixdown}\n"
  "tracks:\n"
  "  - name: kick\n"
  "    clips:\n"
  "      - {file: kick.wav, start: 0, fade_in: 0.001, fade_out: 0.01}\n"
  "      - {file: kick.wav, start: \"1:2\", gain_db: -3}\n"
  "    inserts:\n"
  "      - {type: eq, bands: [{type: highpass, freq: 30, slope: 24}, {type: bell, freq: 100, gain_db: 3, q: 1}]}\n"
  "      - {type: gate, threshold_db: -50}\n"
  "    sends: [{to: room, level_db: -18}]\n"
  "    output: drums\n"
  "  - name: bass\n"
  "    file: bass.wav\n"
  "    gain_db: {points: [[0, -6], [0.2, 0], [0.3, -3]], curve: smooth}\n"
  "    pan: {points: [[0, -0.5], [0.3, 0.5]]}\n"
  "    inserts:\n"
  "      - {type: compressor, sidechain: kick, threshold_db: -30, ratio: 4, lookahead_ms: 2}\n"
  "      - {type: saturation, drive_db: {points: [[0, 0], [0.3, 12]]}}\n"
  "      - {type: limiter, true_peak: true}\n"
  "    sends: [{to: verb, level_db: -12}, {to: room, level_db: {points: [[0, -30], [0.3, -10]]}, pre_fader: true}]\n"
  "  - name: voice\n"
  "    pan: 0.25\n"
  "    clips: [{file: voice.wav}, {file: bass.wav, start: 0.1, length: 0.1}]\n"
  "    inserts:\n"
  "      - {type: deesser}\n"
  "      - {type: pitch_correct, key: A, scale: minor}\n"
  "      - {type: pitch_shift, semitones: 2}\n"
  "      - {type: chorus}\n"
  "      - {type: delay, time_ms: 50, ping_pong: true}\n"
  "      - {type: stereo, width: 1.5}\n"
  "      - {type: gain, gain_db: -1}\n"
  "    sends: [{to: verb, level_db: -6}]\n"
  "  - {name: spare, file: voice.wav, mute: true, invert: true}\n"
  "buses:\n"
  "  - name: drums\n"
  "    inserts: [{type: compressor, detector: rms}]\n"
  "  - name: verb\n"
  "    inserts: [{type: reverb, impulse: ir.wav, mix: 1}]\n"
  "  - name: room\n"
  "    inserts: [{type: reverb, decay_s: 0.5}]\n"
  "    output: verb\n"
  "master:\n"
  "  gain_db: -1\n"
  "  inserts: [{type: limiter, ceiling_db: -1}]\n";

/* ---- One run ------------------------------------------------------------- */

enum { RUN_OK = 0, RUN_CLEAN_FAILURE = 10, RUN_WRONG_STATUS = 11, RUN_WRONG_AUDIO = 12, RUN_SETUP = 13 };

static uint64_t reference_hash;
static uint64_t reference_frames;

static bool say_diagnostics; // the reference run's (a session this test got wrong)

static void
diagnostic(void* user, const MixdownDiagnostic* d)
{
  (void)user;
  if (say_diagnostics) {
    fprintf(stderr, "%s:%u:%u: %s\n", d->file, d->line, d->column, d->message);
  }
}

static uint64_t
fnv(uint64_t h, const float* x, size_t n)
{
  const unsigned char* p = (const unsigned char*)x;
  for (size_t i = 0U; i < n * sizeof(float); ++i) {
    h = (h ^ p[i]) * 0x100000001b3ULL;
  }
  return h;
}

// Opens, builds and renders the session; the failing call's status, and
// the hash and length of the mix when every call succeeded.
static MixdownStatus
render(const char* cache_dir, uint64_t* hash, uint64_t* frames, const char** where)
{
  static float    left[1024], right[1024];
  char            path[512];
  char            message[512];
  MixdownSession* session = NULL;
  MixdownEngine*  engine  = NULL;
  snprintf(path, sizeof path, "%s/session.yaml", dir);
  MixdownStatus st = mixdown_session_open_file(path, diagnostic, NULL, &session);
  *where           = "mixdown_session_open_file";
  if (!st) {
    st     = mixdown_engine_new(session, &engine, message, sizeof message);
    *where = "mixdown_engine_new";
  }
  if (!st) {
    st     = mixdown_engine_set_threads(engine, 3U);
    *where = "mixdown_engine_set_threads";
  }
  if (!st) {
    st     = mixdown_engine_set_cache(engine, cache_dir);
    *where = "mixdown_engine_set_cache";
  }
  if (!st) {
    st     = mixdown_engine_enable_levels(engine, MIXDOWN_LEVELS_SERIES);
    *where = "mixdown_engine_enable_levels";
  }
  if (!st) {
    st     = mixdown_engine_enable_stems(engine);
    *where = "mixdown_engine_enable_stems";
  }
  *hash   = 0xcbf29ce484222325ULL;
  *frames = 0U;
  const uint64_t length = st ? 0U : mixdown_engine_length(engine);
  while (!st && *frames < length) {
    uint32_t got = 0U;
    st           = mixdown_engine_pull(engine, left, right, 1024U, &got);
    *where       = "mixdown_engine_pull";
    if (!st && got == 0U) {
      st = MIXDOWN_ERR_IO; // a pull that gives nothing before the end
      break;
    }
    *hash    = fnv(fnv(*hash, left, got), right, got);
    *frames += got;
  }
  mixdown_engine_free(engine);
  mixdown_session_free(session);
  return st;
}

// "function at file:line" of a return address in this program (addr2line
// on its offset in the executable; the address itself when that fails).
static const char*
site_name(long address)
{
  static char name[600];
  Dl_info     info;
  snprintf(name, sizeof name, "%#lx", (unsigned long)address);
  if (!address || !dladdr((void*)(intptr_t)address, &info) || !info.dli_fbase) {
    return name;
  }
  char command[700];
  snprintf(command, sizeof command, "addr2line -f -s -e /proc/%ld/exe %#lx 2>/dev/null", (long)getpid(),
           (unsigned long)(address - 1L - (long)(intptr_t)info.dli_fbase));
  FILE* pipe = popen(command, "r");
  char  function[200] = "", line[200] = "";
  if (pipe && fgets(function, sizeof function, pipe) && fgets(line, sizeof line, pipe)) {
    function[strcspn(function, "\n")] = '\0';
    line[strcspn(line, "\n")]         = '\0';
    snprintf(name, sizeof name, "%s (%s)", function, line);
  }
  if (pipe) {
    pclose(pipe);
  }
  return name;
}

// The child: one run with allocation `n` failing; its exit code says how it went.
static int
run_child(long n, const char* cache_dir, bool verbose)
{
  fail_at = n;
  atomic_store(&armed, true);
  uint64_t      hash = 0U, frames = 0U;
  const char*   where = "";
  MixdownStatus st    = render(cache_dir, &hash, &frames, &where);
  atomic_store(&armed, false);
  const bool injected = atomic_load(&shared->failed_at) != 0;
  if (st) {
    if (st == MIXDOWN_ERR_NO_MEM && injected) {
      return RUN_CLEAN_FAILURE;
    }
    fprintf(stderr, "    allocation %ld in %s failed: %s gave %s, not MIXDOWN_ERR_NO_MEM\n", n,
            site_name(atomic_load(&shared->failed_at)), where, mixdown_strerror(st));
    return RUN_WRONG_STATUS;
  }
  if (hash != reference_hash || frames != reference_frames) {
    fprintf(stderr, "    allocation %ld in %s failed, the render went on, and its mix differs\n", n,
            site_name(atomic_load(&shared->failed_at)));
    return RUN_WRONG_AUDIO;
  }
  if (verbose && injected) {
    fprintf(stderr, "    allocation %ld in %s failed: worked around, same mix\n", n,
            site_name(atomic_load(&shared->failed_at)));
  }
  return RUN_OK;
}

static bool
make_dir(char* out, size_t size, const char* name)
{
  snprintf(out, size, "%s/%s-XXXXXX", dir, name);
  return mkdtemp(out) != NULL;
}

static void
remove_tree(const char* path)
{
  char command[700];
  snprintf(command, sizeof command, "rm -rf '%s'", path);
  if (system(command) != 0) {
    fprintf(stderr, "could not remove %s\n", path);
  }
}

// Distinct return addresses of calls made to fail.
static long   sites[65536];
static size_t n_sites;

static void
note_site(long site)
{
  for (size_t i = 0U; i < n_sites; ++i) {
    if (sites[i] == site) {
      return;
    }
  }
  if (n_sites < sizeof sites / sizeof sites[0]) {
    sites[n_sites++] = site;
  }
}

// Runs N = 1, 2, … until a run makes fewer than N allocations; counts
// passes and failures.  Each run starts with a copy of `filled_cache`, or
// with an empty cache folder when it is NULL.
static void
loop(const char* name, const char* filled_cache, bool verbose, unsigned* passed, unsigned* failed)
{
  long     n     = 1L;
  unsigned bad   = 0U;
  long     total = 0L;
  for (;; ++n) {
    // A folder of its own for each run: a run may remove a file it
    // found damaged (a checksum it could not take), or write one.
    char cache[600];
    char command[1300];
    if (!make_dir(cache, sizeof cache, "cache")) {
      fprintf(stderr, "mkdtemp failed\n");
      ++bad;
      break;
    }
    snprintf(command, sizeof command, "cp -a '%s/.' '%s/'", filled_cache ? filled_cache : "/dev/null/none", cache);
    if (filled_cache && system(command) != 0) {
      fprintf(stderr, "%s failed\n", command);
      ++bad;
      break;
    }
    atomic_store(&shared->calls, 0L);
    atomic_store(&shared->failed_at, 0L);
    fflush(stdout);
    fflush(stderr);
    const pid_t pid = fork();
    if (pid == 0) {
      exit(run_child(n, cache, verbose)); // exit, not _exit: LeakSanitizer checks at exit
    }
    int status = 0;
    waitpid(pid, &status, 0);
    remove_tree(cache);
    const long site = atomic_load(&shared->failed_at);
    if (site) {
      note_site(site);
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (WIFSIGNALED(status)) {
      fprintf(stderr, "    allocation %ld in %s: crashed with signal %d\n", n, site_name(site), WTERMSIG(status));
    } else if (code != RUN_OK && code != RUN_CLEAN_FAILURE && code != RUN_WRONG_STATUS && code != RUN_WRONG_AUDIO) {
      fprintf(stderr, "    allocation %ld in %s: exit %d (a sanitizer report above)\n", n, site_name(site), code);
    }
    bad += code != RUN_OK && code != RUN_CLEAN_FAILURE;
    if (!site) {
      total = atomic_load(&shared->calls);
      break; // fewer than n allocations: every one has failed once
    }
  }
  printf("%s %s: %ld allocations, each made to fail once; %u runs went wrong\n", bad ? "FAIL" : "ok  ", name, total,
         bad);
  bad ? ++*failed : ++*passed;
}

int
main(int argc, char** argv)
{
  const bool verbose = argc > 1 && !strcmp(argv[1], "-v");
  const char* tmp    = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/mixdown-alloc-XXXXXX", tmp ? tmp : "/tmp");
  shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (!mkdtemp(dir) || shared == MAP_FAILED) {
    perror("setup");
    return 2;
  }
  write_wav("kick.wav", 9600U, 1U, 60.0, 2000.0, 1U);
  write_wav("bass.wav", 19200U, 2U, 55.0, 1e9, 2U);
  write_wav("voice.wav", 14400U, 1U, 220.0, 1e9, 3U);
  write_wav("ir.wav", 4800U, 2U, 0.0, 600.0, 4U);
  char path[512];
  snprintf(path, sizeof path, "%s/session.yaml", dir);
  FILE* f = fopen(path, "w");
  if (!f || fputs(session_yaml, f) < 0 || fclose(f)) {
    perror(path);
    return 2;
  }
  // The reference: nothing fails; it fills a cache folder for the second loop.
  char filled[600];
  const char* where = "";
  say_diagnostics   = true;
  if (!make_dir(filled, sizeof filled, "filled") ||
      render(filled, &reference_hash, &reference_frames, &where) != MIXDOWN_SUCCESS || reference_frames == 0U) {
    fprintf(stderr, "the session does not render without failures (%s)\n", where);
    remove_tree(dir);
    printf("alloc: 0 passed, 1 failed\n");
    return 1;
  }
  say_diagnostics = false;
  unsigned passed = 0U, failed = 0U;
  loop("alloc: open, build and render, empty cache", NULL, verbose, &passed, &failed);
  loop("alloc: open, build and render, every track cached", filled, verbose, &passed, &failed);
  printf("alloc: %zu allocation sites made to fail\n", n_sites);
  remove_tree(dir);
  printf("alloc: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
