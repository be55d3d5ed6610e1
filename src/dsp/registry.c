// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "dsp/registry.h"

#include "dsp/chorus.h"
#include "dsp/compressor.h"
#include "dsp/deesser.h"
#include "dsp/delay.h"
#include "dsp/eq.h"
#include "dsp/gate.h"
#include "dsp/limiter.h"
#include "dsp/reverb.h"
#include "dsp/saturation.h"
#include "dsp/pitch_correct.h"
#include "dsp/pitch_shift.h"
#include "dsp/gain.h"
#include "dsp/stereo.h"

#include <string.h>

static const MdProcessorClass* const registry[] = {
  &md_eq_class,
  &md_compressor_class,
  &md_gate_class,
  &md_limiter_class,
  &md_deesser_class,
  &md_reverb_class,
  &md_delay_class,
  &md_chorus_class,
  &md_saturation_class,
  &md_pitch_correct_class,
  &md_pitch_shift_class,
  &md_gain_class,
  &md_stereo_class,
};

#define REGISTRY_SIZE ((uint32_t)(sizeof registry / sizeof registry[0]))

uint32_t
md_registry_count(void)
{
  return REGISTRY_SIZE;
}

const MdProcessorClass*
md_registry_at(uint32_t index)
{
  return index < REGISTRY_SIZE ? registry[index] : NULL;
}

const MdProcessorClass*
md_registry_find(const char* name)
{
  for (uint32_t i = 0U; i < REGISTRY_SIZE; ++i) {
    if (!strcmp(registry[i]->name, name)) {
      return registry[i];
    }
  }
  return NULL;
}
