// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "support.h"

const TestCase sidechain_tests[] = {
  {NULL, NULL},
};
