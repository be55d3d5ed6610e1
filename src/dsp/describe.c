// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The public view of the processor registry and parameter tables.

#include "dsp/registry.h"
#include "dsp/strip.h"

uint32_t
mixdown_processor_count(void)
{
  return md_registry_count();
}

const char*
mixdown_processor_name(uint32_t index)
{
  const MdProcessorClass* cls = md_registry_at(index);
  return cls ? cls->name : NULL;
}

const char*
mixdown_processor_description(uint32_t index)
{
  const MdProcessorClass* cls = md_registry_at(index);
  return cls ? cls->description : NULL;
}

uint32_t
mixdown_processor_param_count(uint32_t index)
{
  const MdProcessorClass* cls = md_registry_at(index);
  return cls ? cls->n_params : 0U;
}

const MixdownParamInfo*
mixdown_processor_param(uint32_t index, uint32_t param)
{
  const MdProcessorClass* cls = md_registry_at(index);
  return cls && param < cls->n_params ? &cls->params[param].info : NULL;
}

uint32_t
mixdown_strip_param_count(void)
{
  return MD_STRIP_N_PARAMS;
}

const MixdownParamInfo*
mixdown_strip_param(uint32_t param)
{
  return param < MD_STRIP_N_PARAMS ? &md_strip_params[param].info : NULL;
}

uint32_t
mixdown_insert_param_count(void)
{
  return MD_INSERT_N_PARAMS;
}

const MixdownParamInfo*
mixdown_insert_param(uint32_t param)
{
  return param < MD_INSERT_N_PARAMS ? &md_insert_params[param].info : NULL;
}

uint32_t
mixdown_processor_param_field_count(uint32_t index, uint32_t param, uint32_t* max_items)
{
  const MdProcessorClass* cls = md_registry_at(index);
  const MdParam*          p   = cls && param < cls->n_params ? &cls->params[param] : NULL;
  const bool              list = p && p->info.kind == MIXDOWN_PARAM_LIST;
  if (max_items) {
    *max_items = list ? p->max_items : 0U;
  }
  return list ? p->n_fields : 0U;
}

const MixdownParamInfo*
mixdown_processor_param_field(uint32_t index, uint32_t param, uint32_t field)
{
  const MdProcessorClass* cls = md_registry_at(index);
  const MdParam*          p   = cls && param < cls->n_params ? &cls->params[param] : NULL;
  return p && p->info.kind == MIXDOWN_PARAM_LIST && field < p->n_fields ? &p->fields[field].info : NULL;
}

uint32_t
mixdown_processor_meter_count(uint32_t index)
{
  const MdProcessorClass* cls = md_registry_at(index);
  return cls ? cls->n_meters : 0U;
}

const char*
mixdown_processor_meter_name(uint32_t index, uint32_t meter)
{
  const MdProcessorClass* cls = md_registry_at(index);
  return cls && meter < cls->n_meters ? cls->meters[meter].name : NULL;
}
