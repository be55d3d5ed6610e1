// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#define _GNU_SOURCE // O_TMPFILE, AT_EMPTY_PATH, mkostemp

#include "io/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MD_PARTIAL_TAG ".partial-"

struct MdAtomicFile {
  MdAtomicKind kind;
  int          fd;        ///< What the caller writes to
  int          device_fd; ///< MD_ATOMIC_SPOOL: the device the spool is copied to
  char*        path;      ///< The target, as given
  char*        dir;       ///< Its folder ("." when none)
  char*        base;      ///< Its name in that folder
  char*        temp_path; ///< MD_ATOMIC_NAMED: the temporary's path
};

const char*
md_atomic_temp_dir(const char* dir)
{
  return dir && dir[0] ? dir : "/tmp";
}

static bool
split_path(MdAtomicFile* f, const char* path)
{
  const char* slash = strrchr(path, '/');
  f->path           = strdup(path);
  f->base           = strdup(slash ? slash + 1 : path);
  f->dir            = slash == path ? strdup("/") : slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
  return f->path && f->base && f->dir;
}

static void
free_file(MdAtomicFile* f)
{
  if (f->fd >= 0) {
    close(f->fd);
  }
  if (f->device_fd >= 0) {
    close(f->device_fd);
  }
  free(f->path);
  free(f->dir);
  free(f->base);
  free(f->temp_path);
  free(f);
}

// Six characters from the clock, the pid and a counter: not a secret, only
// unlikely to be taken (every use is O_EXCL or link(), which never replace).
static void
random_suffix(char out[7])
{
  static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static unsigned   counter = 0U;
  struct timespec   now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  uint64_t x = (uint64_t)now.tv_nsec * 0x9E3779B97F4A7C15ULL ^ (uint64_t)getpid() << 32U ^ ++counter;
  for (int i = 0; i < 6; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    out[i] = chars[(x >> 33U) % (sizeof chars - 1U)];
  }
  out[6] = '\0';
}

// `.BASE.partial-PID-`: the name stays under NAME_MAX with a long base.
static void
partial_prefix(char* out, size_t size, const char* base)
{
  snprintf(out, size, ".%.200s" MD_PARTIAL_TAG "%ld-", base, (long)getpid());
}

/* ------------------------------------------------------------------------ */
/* Non-regular targets                                                       */

MixdownStatus
md_atomic_check(const char* path, char* message, size_t message_size)
{
  struct stat st;
  if (stat(path, &st) != 0) {
    return MIXDOWN_SUCCESS;
  }
  if (S_ISBLK(st.st_mode)) {
    snprintf(message, message_size, "refusing to write to `%.300s`: it is a block device (a disk); write a file",
             path);
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (S_ISSOCK(st.st_mode)) {
    snprintf(message, message_size, "cannot write to `%.300s`: it is a socket", path);
    return MIXDOWN_ERR_BAD_ARG;
  }
  return MIXDOWN_SUCCESS;
}

int
md_atomic_scratch(const char* dir)
{
  int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) {
    return fd;
  }
  // No O_TMPFILE here: a name for an instant.
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s/.mixdown-scratch-XXXXXX", dir) >= (int)sizeof path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  fd = mkostemp(path, O_CLOEXEC);
  if (fd >= 0) {
    unlink(path);
  }
  return fd;
}

// Opens the device or FIFO for writing as it is (no O_CREAT, no O_TRUNC);
// a FIFO waits here for its reader.
static MixdownStatus
open_target(MdAtomicFile* f, int* fd, char* message, size_t message_size)
{
  *fd = open(f->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (*fd < 0) {
    const int err = errno;
    snprintf(message, message_size, "%s `%.300s`: %s",
             err == EINTR ? "interrupted while waiting for a reader of" : "cannot write to", f->path, strerror(err));
    return err == EINTR ? MIXDOWN_ERR_INTERRUPTED : MIXDOWN_ERR_IO;
  }
  return MIXDOWN_SUCCESS;
}

// A device or FIFO: written directly, or through a spool (see
// atomic_file.h).  A pass that may be dropped does not even open the
// device before commit: a FIFO's reader would take the close for the end.
static MixdownStatus
open_device(MdAtomicFile* f, const struct stat* st, unsigned flags, const char* temp_dir, char* message,
            size_t message_size)
{
  const bool    may_drop = flags & MD_ATOMIC_MAY_DROP;
  const bool    fifo     = S_ISFIFO(st->st_mode);
  MixdownStatus status   = MIXDOWN_SUCCESS;
  if (!may_drop && (!fifo || (flags & MD_ATOMIC_STREAMS))) {
    int fd = -1;
    if ((status = open_target(f, &fd, message, message_size))) {
      return status;
    }
    // libsndfile treats a FIFO as a pipe and writes only what streams; a
    // character device it takes for a file, so it must seek (/dev/null does).
    if (fifo || lseek(fd, 0, SEEK_CUR) >= 0) {
      f->kind = MD_ATOMIC_DIRECT;
      f->fd   = fd;
      return MIXDOWN_SUCCESS;
    }
    f->device_fd = fd;
  }
  f->kind = MD_ATOMIC_SPOOL;
  f->fd   = md_atomic_scratch(md_atomic_temp_dir(temp_dir));
  if (f->fd < 0) {
    snprintf(message, message_size, "cannot write `%.300s`: no room to hold it in `%s` (TMPDIR) until it is whole: %s",
             f->path, md_atomic_temp_dir(temp_dir), strerror(errno));
    return MIXDOWN_ERR_IO;
  }
  return MIXDOWN_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Regular targets                                                           */

static bool use_unnamed = true; // md_atomic_use_unnamed(): tests of the fallback

void
md_atomic_use_unnamed(bool use)
{
  use_unnamed = use;
}

// Can an O_TMPFILE descriptor be given a name?  Through /proc/self/fd
// (anyone), or AT_EMPTY_PATH (needs CAP_DAC_READ_SEARCH).
static bool
can_link_unnamed(void)
{
  return use_unnamed && access("/proc/self/fd", X_OK) == 0;
}

static MixdownStatus
open_regular(MdAtomicFile* f, char* message, size_t message_size)
{
  if (can_link_unnamed()) {
    // The mode, as for any new file: 0666 less the umask (open applies it).
    f->fd = open(f->dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    if (f->fd >= 0) {
      f->kind = MD_ATOMIC_UNNAMED;
      flock(f->fd, LOCK_EX | LOCK_NB);
      return MIXDOWN_SUCCESS;
    }
  }
  char prefix[NAME_MAX];
  partial_prefix(prefix, sizeof prefix, f->base);
  const size_t n = strlen(f->dir) + strlen(prefix) + 16U;
  if (!(f->temp_path = malloc(n))) {
    snprintf(message, message_size, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  snprintf(f->temp_path, n, "%s/%sXXXXXX", f->dir, prefix);
  f->fd = mkostemp(f->temp_path, O_CLOEXEC);
  if (f->fd < 0) {
    snprintf(message, message_size, "cannot write to the folder of `%.300s`: %s", f->path, strerror(errno));
    free(f->temp_path);
    f->temp_path = NULL;
    return MIXDOWN_ERR_IO;
  }
  f->kind = MD_ATOMIC_NAMED;
  // Held while we live: md_atomic_clean_stale() never takes a live file.
  flock(f->fd, LOCK_EX | LOCK_NB);
  // mkstemp makes the file private; an output gets ordinary permissions.
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(f->fd, 0666 & ~mask);
  return MIXDOWN_SUCCESS;
}

MixdownStatus
md_atomic_open(const char* path, unsigned flags, const char* temp_dir, MdAtomicFile** out, char* message,
               size_t message_size)
{
  *out            = NULL;
  MdAtomicFile* f = calloc(1U, sizeof *f);
  if (!f || !split_path(f, path)) {
    if (f) {
      f->fd = f->device_fd = -1;
      free_file(f);
    }
    snprintf(message, message_size, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  f->fd = f->device_fd = -1;
  MixdownStatus st     = md_atomic_check(path, message, message_size);
  struct stat   target;
  if (!st && stat(path, &target) == 0 && !S_ISREG(target.st_mode) && !S_ISDIR(target.st_mode)) {
    st = open_device(f, &target, flags, temp_dir, message, message_size);
  } else if (!st) {
    st = open_regular(f, message, message_size);
  }
  if (st) {
    free_file(f);
    return st;
  }
  *out = f;
  return MIXDOWN_SUCCESS;
}

int
md_atomic_fd(const MdAtomicFile* f)
{
  return f->fd;
}

MdAtomicKind
md_atomic_kind(const MdAtomicFile* f)
{
  return f->kind;
}

void
md_atomic_abort(MdAtomicFile* f)
{
  if (!f) {
    return;
  }
  if (f->temp_path) {
    unlink(f->temp_path);
  }
  free_file(f);
}

// The file being replaced keeps its permissions, and its owner and group
// when we may give them (root; or a group we are in).  Set-id bits are
// not carried over to a file we wrote.
static void
keep_mode_and_owner(int fd, const char* path)
{
  struct stat previous;
  if (stat(path, &previous) != 0 || !S_ISREG(previous.st_mode)) {
    return;
  }
  struct stat now;
  if (fstat(fd, &now) == 0 && (now.st_uid != previous.st_uid || now.st_gid != previous.st_gid) &&
      fchown(fd, previous.st_uid, previous.st_gid) != 0) {
    (void)!fchown(fd, (uid_t)-1, previous.st_gid);
  }
  fchmod(fd, previous.st_mode & 0777);
}

// Gives the unnamed file `name` in `dir_fd`; fails with EEXIST when taken.
static int
link_unnamed(int fd, int dir_fd, const char* name)
{
  if (linkat(fd, "", dir_fd, name, AT_EMPTY_PATH) == 0) {
    return 0;
  }
  if (errno == EEXIST) {
    return -1;
  }
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  return linkat(AT_FDCWD, proc, dir_fd, name, AT_SYMLINK_FOLLOW);
}

// link() cannot replace a file: a fresh name for an instant, then rename()
// over the target (atomic); a name the target does not have yet is linked
// directly.
static int
place_unnamed(MdAtomicFile* f, int dir_fd)
{
  if (link_unnamed(f->fd, dir_fd, f->base) == 0) {
    return 0;
  }
  if (errno != EEXIST) {
    return -1;
  }
  char prefix[NAME_MAX];
  char name[NAME_MAX + 8]; // the prefix is at most 231 characters: under NAME_MAX
  partial_prefix(prefix, sizeof prefix, f->base);
  for (int attempt = 0; attempt < 100; ++attempt) {
    char suffix[7];
    random_suffix(suffix);
    snprintf(name, sizeof name, "%s%s", prefix, suffix);
    if (link_unnamed(f->fd, dir_fd, name) == 0) {
      if (renameat(dir_fd, name, dir_fd, f->base) == 0) {
        return 0;
      }
      const int err = errno;
      unlinkat(dir_fd, name, 0);
      errno = err;
      return -1;
    }
    if (errno != EEXIST) {
      return -1;
    }
  }
  return -1;
}

// Copies the spool, from its start, to the device.
static int
copy_spool(MdAtomicFile* f)
{
  char buffer[1 << 16];
  if (lseek(f->fd, 0, SEEK_SET) != 0) {
    return -1;
  }
  for (;;) {
    const ssize_t got = read(f->fd, buffer, sizeof buffer);
    if (got <= 0) {
      return (int)got;
    }
    for (ssize_t done = 0; done < got;) {
      const ssize_t put = write(f->device_fd, buffer + done, (size_t)(got - done));
      if (put < 0) {
        return -1; // EINTR too: a signal asks us to stop
      }
      done += put;
    }
  }
}

static MixdownStatus
commit_failed(MdAtomicFile* f, const char* what, char* message, size_t message_size)
{
  const int err = errno;
  snprintf(message, message_size, "%s `%.300s`: %s", what, f->path,
           err == ENOSPC ? "no space left on the device"
           : err == EPIPE ? "its reader closed it"
           : strerror(err));
  const MixdownStatus st = err == EINTR ? MIXDOWN_ERR_INTERRUPTED : MIXDOWN_ERR_IO;
  md_atomic_abort(f);
  return st;
}

MixdownStatus
md_atomic_commit(MdAtomicFile* f, char* message, size_t message_size)
{
  if (f->kind == MD_ATOMIC_DIRECT) {
    free_file(f);
    return MIXDOWN_SUCCESS;
  }
  if (f->kind == MD_ATOMIC_SPOOL) {
    const MixdownStatus opened = f->device_fd >= 0 ? MIXDOWN_SUCCESS : open_target(f, &f->device_fd, message, message_size);
    if (opened) {
      md_atomic_abort(f);
      return opened;
    }
    if (copy_spool(f) != 0) {
      return commit_failed(f, "writing to", message, message_size);
    }
    free_file(f);
    return MIXDOWN_SUCCESS;
  }
  if (fsync(f->fd) != 0) {
    return commit_failed(f, "writing", message, message_size);
  }
  keep_mode_and_owner(f->fd, f->path);
  const int dir_fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    return commit_failed(f, "cannot put in place", message, message_size);
  }
  const int placed = f->kind == MD_ATOMIC_UNNAMED ? place_unnamed(f, dir_fd) : rename(f->temp_path, f->path);
  if (placed != 0) {
    const int err = errno;
    close(dir_fd);
    errno = err;
    return commit_failed(f, "cannot replace", message, message_size);
  }
  free(f->temp_path);
  f->temp_path = NULL;
  // The new name is durable only once its folder is: a power cut after
  // we report success must not bring back the previous mix.
  fsync(dir_fd);
  close(dir_fd);
  free_file(f);
  return MIXDOWN_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Stale temporaries                                                         */

// The pid in `.NAME.partial-PID-XXXXXX`, or 0 when the name is not one of ours.
static long
partial_pid(const char* name)
{
  if (name[0] != '.') {
    return 0;
  }
  const char* tag = NULL;
  for (const char* p = strstr(name, MD_PARTIAL_TAG); p; p = strstr(p + 1, MD_PARTIAL_TAG)) {
    tag = p;
  }
  if (!tag) {
    return 0;
  }
  char*      end = NULL;
  const long pid = strtol(tag + strlen(MD_PARTIAL_TAG), &end, 10);
  if (pid <= 0 || *end != '-' || strlen(end + 1) != 6U) {
    return 0;
  }
  for (const char* c = end + 1; *c; ++c) {
    if (!(*c >= 'A' && *c <= 'Z') && !(*c >= 'a' && *c <= 'z') && !(*c >= '0' && *c <= '9')) {
      return 0;
    }
  }
  return pid;
}

static bool
process_alive(long pid)
{
  return pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

// Removes `name` if it is a regular file of ours that no process holds
// locked (the pid may be reused, or live in another pid namespace).
static bool
remove_if_stale(int dir_fd, const char* name)
{
  const int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    return false;
  }
  struct stat held, named;
  bool        removed = false;
  if (fstat(fd, &held) == 0 && S_ISREG(held.st_mode) && held.st_uid == geteuid() &&
      flock(fd, LOCK_EX | LOCK_NB) == 0 && fstatat(dir_fd, name, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
      named.st_ino == held.st_ino && named.st_dev == held.st_dev) {
    removed = unlinkat(dir_fd, name, 0) == 0;
  }
  close(fd);
  return removed;
}

unsigned
md_atomic_clean_stale(const char* dir)
{
  DIR* d = opendir(dir);
  if (!d) {
    return 0U;
  }
  unsigned removed = 0U;
  for (struct dirent* e = readdir(d); e; e = readdir(d)) {
    const long pid = partial_pid(e->d_name);
    if (pid > 0 && !process_alive(pid)) {
      removed += remove_if_stale(dirfd(d), e->d_name);
    }
  }
  closedir(d);
  return removed;
}
