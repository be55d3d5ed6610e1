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
  return cls->output_channels ? cls->output_channels(in_channels) : in_channels;
}
