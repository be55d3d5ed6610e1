#!/usr/bin/env bash
echo "unmask: 0 passed, 0 failed"
