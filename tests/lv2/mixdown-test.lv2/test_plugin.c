// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Test plugins (plugins.ttl describes their ports):
//   probe   out = in + level + count, where `count` is an lv2:integer port;
//           `crash` ≥ 0.5 divides by zero (SIGFPE), ≥ 1.5 writes through NULL.
//   atoms   twelve atom ports, one asking rsz:minimumSize 100000: `ok` (a
//           control output) is 1 while every port is connected with the
//           capacity asked for, and out = in × ok.
//   fails   instantiate() returns NULL.
//   odd     out = in, other ports ignored: hostile metadata in the Turtle.

#include <lv2/atom/atom.h>
#include <lv2/core/lv2.h>

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TEST_URI       "urn:mixdown:test#"
#define ATOM_PORTS     12U
#define BIG_ATOM_PORT  3U       // port index of the atom output asking for 100000 bytes
#define BIG_ATOM_BYTES 100000U

typedef struct {
  const float* in;
  float*       out;
  const float* level;
  const float* count;
  const float* crash;
  LV2_Atom*    atoms[ATOM_PORTS];
  float*       ok;
} Plugin;

static LV2_Handle
instantiate(const LV2_Descriptor* d, double rate, const char* bundle, const LV2_Feature* const* features)
{
  (void)rate;
  (void)bundle;
  (void)features;
  return strcmp(d->URI, TEST_URI "fails") ? calloc(1U, sizeof(Plugin)) : NULL;
}

static void
connect_probe(LV2_Handle h, uint32_t port, void* data)
{
  Plugin* p = h;
  switch (port) {
  case 0: p->in = data; break;
  case 1: p->out = data; break;
  case 2: p->level = data; break;
  case 3: p->count = data; break;
  case 4: p->crash = data; break;
  default: break;
  }
}

static void
connect_atoms(LV2_Handle h, uint32_t port, void* data)
{
  Plugin* p = h;
  if (port < 2U) {
    connect_probe(h, port, data);
  } else if (port < 2U + ATOM_PORTS) {
    p->atoms[port - 2U] = data;
  } else if (port == 2U + ATOM_PORTS) {
    p->ok = data;
  }
}

static void
connect_plain(LV2_Handle h, uint32_t port, void* data)
{
  if (port < 2U) {
    connect_probe(h, port, data);
  }
}

static volatile int zero = 0; // volatile: the division happens at run time
static volatile int one  = 1; // (1 / x compiles to a comparison, not a division)
static volatile int sink;     // and its result is kept

static void
run_probe(LV2_Handle h, uint32_t n)
{
  Plugin* p = h;
  if (*p->crash >= 1.5f) {
    *(volatile int*)(uintptr_t)zero = 1; // SIGSEGV
  } else if (*p->crash >= 0.5f) {
    sink = one / zero; // SIGFPE
  }
  for (uint32_t i = 0U; i < n; ++i) {
    p->out[i] = p->in[i] + *p->level + *p->count;
  }
}

static void
run_atoms(LV2_Handle h, uint32_t n)
{
  Plugin* p  = h;
  float   ok = 1.0f;
  for (uint32_t a = 0U; a < ATOM_PORTS; ++a) {
    const uint32_t port = 2U + a;
    if (!p->atoms[a]) {
      ok = 0.0f;
    } else if (port % 2U == 1U) { // outputs: the host wrote the capacity into atom.size
      const uint32_t want = port == BIG_ATOM_PORT ? BIG_ATOM_BYTES : 8192U;
      ok = p->atoms[a]->size + sizeof(LV2_Atom) >= want ? ok : 0.0f;
      p->atoms[a]->size = 0U; // nothing written
    }
  }
  *p->ok = ok;
  for (uint32_t i = 0U; i < n; ++i) {
    p->out[i] = p->in[i] * ok;
  }
}

static void
run_plain(LV2_Handle h, uint32_t n)
{
  Plugin* p = h;
  memcpy(p->out, p->in, n * sizeof(float));
}

static void
cleanup(LV2_Handle h)
{
  free(h);
}

static const LV2_Descriptor descriptors[] = {
  {TEST_URI "probe", instantiate, connect_probe, NULL, run_probe, NULL, cleanup, NULL},
  {TEST_URI "atoms", instantiate, connect_atoms, NULL, run_atoms, NULL, cleanup, NULL},
  {TEST_URI "fails", instantiate, connect_plain, NULL, run_plain, NULL, cleanup, NULL},
  {TEST_URI "odd", instantiate, connect_plain, NULL, run_plain, NULL, cleanup, NULL},
};

LV2_SYMBOL_EXPORT const LV2_Descriptor*
lv2_descriptor(uint32_t index)
{
  return index < sizeof descriptors / sizeof descriptors[0] ? &descriptors[index] : NULL;
}
