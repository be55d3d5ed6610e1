// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "dsp/processor.h"

#include "util/checked_number.h"

#include <math.h>
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
  MdSlotPlace place;
  if (!md_processor_slot_place(cls, slot, &place)) {
    return NULL;
  }
  const MdParam* p = &cls->params[place.param];
  return place.in_list ? &p->fields[place.field] : p;
}

int
md_list_field_index(const MdParam* list, const char* name)
{
  for (uint32_t f = 0U; f < list->n_fields; ++f) {
    if (!strcmp(list->fields[f].info.name, name)) {
      return (int)f;
    }
  }
  return -1;
}

uint32_t
md_processor_list_slot(const MdProcessorClass* cls, uint32_t param, uint32_t item, uint32_t field)
{
  return md_processor_value_offset(cls, param) + md_list_slot(&cls->params[param], item, field);
}

bool
md_processor_slot_place(const MdProcessorClass* cls, uint32_t slot, MdSlotPlace* place)
{
  for (uint32_t i = 0U; i < cls->n_params; ++i) {
    const MdParam* p = &cls->params[i];
    const uint32_t n = param_slots(p);
    if (slot < n) {
      *place = (MdSlotPlace){.param = i};
      place->in_list = p->info.kind == MIXDOWN_PARAM_LIST && md_list_slot_place(p, slot, &place->item, &place->field);
      return true;
    }
    slot -= n;
  }
  return false;
}

MdRangeResult
md_range_check(double value, double min, double max, MdRangePolicy policy, double* out)
{
  const char* why = md_checked_number_in_range(value, min, max);
  if (!why) {
    *out = value;
    return MD_RANGE_INSIDE;
  }
  if (md_checked_number_finite(value)) {
    return MD_RANGE_NOT_FINITE; // `NaN < min` is false: no clamp would catch it
  }
  if (policy == MD_RANGE_REFUSE) {
    return MD_RANGE_OUTSIDE;
  }
  *out = value < min ? min : max;
  return MD_RANGE_CLAMPED;
}

MdRangeResult
md_param_fit(const MdParam* p, double value, MdRangePolicy policy, double* out)
{
  const MixdownParamInfo* info = &p->info;
  if (md_checked_number_finite(value)) {
    return MD_RANGE_NOT_FINITE;
  }
  if (info->kind == MIXDOWN_PARAM_BOOL) {
    *out = value != 0.0 ? 1.0 : 0.0;
    return MD_RANGE_INSIDE;
  }
  double               v      = value;
  const MdRangeResult  result = md_range_check(value, info->min, info->max, policy, &v);
  if (result == MD_RANGE_INSIDE || result == MD_RANGE_CLAMPED) {
    *out = info->kind == MIXDOWN_PARAM_CHOICE ? floor(v + 0.5) : v;
  }
  return result;
}

bool
md_param_automatable(const MdParam* p)
{
  return (p->info.kind == MIXDOWN_PARAM_NUMBER && !(p->flags & MD_PARAM_CONSTANT)) ||
         (p->info.kind == MIXDOWN_PARAM_BOOL && (p->flags & MD_PARAM_SWITCH_ENVELOPE));
}

bool
md_param_live(const MdParam* p)
{
  const MixdownParamKind t = p->info.kind;
  return (t == MIXDOWN_PARAM_NUMBER || t == MIXDOWN_PARAM_BOOL || t == MIXDOWN_PARAM_CHOICE) &&
         !(p->flags & MD_PARAM_FIXED_WHILE_PLAYING);
}

uint32_t
md_processor_no_frames(const void* self)
{
  (void)self;
  return 0U;
}
