// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "dsp/processor.h"

#include <string.h>

int
md_processor_param_index(const MdProcessorClass* cls, const char* name)
{
  for (uint32_t i = 0U; i < cls->n_params; ++i) {
    if (!strcmp(cls->params[i].info.name, name)) {
      return (int)i;
    }
  }
  return -1;
}

uint32_t
md_processor_output_channels(const MdProcessorClass* cls, uint32_t in_channels)
{
  return cls->output_channels ? cls->output_channels(cls, in_channels) : in_channels;
}

static uint32_t
param_slots(const MdParam* p)
{
  return p->info.kind == MIXDOWN_PARAM_LIST ? 1U + p->max_items * p->n_fields : 1U;
}

uint32_t
md_processor_value_offset(const MdProcessorClass* cls, uint32_t param)
{
  uint32_t offset = 0U;
  for (uint32_t i = 0U; i < param && i < cls->n_params; ++i) {
    offset += param_slots(&cls->params[i]);
  }
  return offset;
}

uint32_t
md_processor_value_count(const MdProcessorClass* cls)
{
  return md_processor_value_offset(cls, cls->n_params);
}

const MdParam*
md_processor_slot_param(const MdProcessorClass* cls, uint32_t slot)
{
  for (uint32_t i = 0U; i < cls->n_params; ++i) {
    const MdParam* p = &cls->params[i];
    const uint32_t n = param_slots(p);
    if (slot < n) {
      return slot == 0U || p->info.kind != MIXDOWN_PARAM_LIST ? p : &p->fields[(slot - 1U) % p->n_fields];
    }
    slot -= n;
  }
  return NULL;
}

uint32_t
md_processor_no_frames(const void* self)
{
  (void)self;
  return 0U;
}
