// vminit: the /init of the VM test lane's initramfs (tests/vm/make-initrd.sh).
//
// The guest has no disk. Its root file system is the host's, shared read-only
// over virtio-9p (tag "hostroot"), so the guest runs the host's python, iproute2
// and the freshly built binaries at the same paths as on the host. One host
// directory, the run's work dir, is shared read-write (tag "work") and mounted
// at its host path: scripts and results travel through it.
//
// Kernel command line (written by run-vm.sh):
//   mcs.work=DIR   host path of the work dir (mounted at the same path)
//   mcs.shell=1    interactive: run a login-less bash on ttyS0 instead
// The guest runs DIR/guest.sh, writes its exit status to DIR/status and powers
// off. DIR/booted (seconds since boot) tells the host the root came up, so the
// host can tell "qemu cannot boot here" (skip) from "the test failed".
//
// Static, no libc beyond what glibc links statically; C, so it builds with a
// bare `gcc -static` and does not depend on the project's build.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// The shared root does not change during a run: let the guest cache it (python
// and bash start 2x faster than with cache=none). The work dir is written on
// both sides, so it stays uncached.
#define P9_ROOT_OPTS "trans=virtio,version=9p2000.L,msize=512000,cache=loose"
#define P9_WORK_OPTS "trans=virtio,version=9p2000.L,msize=512000"

static double uptime(void) {
  struct timespec ts;
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void say(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("vminit[%.2fs]: ", uptime());
  vprintf(fmt, ap);
  printf("\n");
  fflush(stdout);
  va_end(ap);
}

static void power_off(void) {
  sync();
  reboot(RB_POWER_OFF);
  for (;;) pause();
}

static void die(const char* what) {
  say("%s: %s -- powering off", what, strerror(errno));
  power_off();
}

// Modules come from the initramfs in dependency order (/mods/order, one file
// name a line, written by make-initrd.sh). Built-in ones are simply absent.
static void load_modules(void) {
  FILE* f = fopen("/mods/order", "r");
  if (!f) return;
  char name[256];
  while (fgets(name, sizeof name, f)) {
    name[strcspn(name, "\n")] = 0;
    if (!name[0]) continue;
    char path[300];
    snprintf(path, sizeof path, "/mods/%s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      say("cannot open %s: %s", path, strerror(errno));
      continue;
    }
    if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST)
      say("finit_module %s: %s", name, strerror(errno));
    close(fd);
  }
  fclose(f);
}

// Value of KEY=... on the kernel command line, or "" (KEY includes the '=').
static void cmdline_value(const char* key, char* out, size_t n) {
  out[0] = 0;
  char line[4096] = "";
  FILE* f = fopen("/proc/cmdline", "r");
  if (!f) return;
  if (!fgets(line, sizeof line, f)) line[0] = 0;
  fclose(f);
  for (char* p = line; (p = strstr(p, key)) != NULL; p++) {
    if (p != line && p[-1] != ' ') continue;  // "xmcs.work=" is not ours
    p += strlen(key);
    size_t len = strcspn(p, " \n");
    if (len >= n) len = n - 1;
    memcpy(out, p, len);
    out[len] = 0;
    return;
  }
}

static void mount_or_warn(const char* src, const char* dst, const char* type, unsigned long fl,
                          const char* opts) {
  if (mount(src, dst, type, fl, opts) != 0) say("mount %s on %s: %s", type, dst, strerror(errno));
}

static void write_file(const char* path, const char* text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    say("cannot write %s: %s", path, strerror(errno));
    return;
  }
  ssize_t n = write(fd, text, strlen(text));
  (void)n;
  fsync(fd);
  close(fd);
}

// The child gets ttyS0 as its controlling terminal, so an interactive shell
// has job control and Ctrl-C reaches the foreground command.
static void attach_console(void) {
  setsid();
  int fd = open("/dev/ttyS0", O_RDWR);
  if (fd < 0) fd = open("/dev/console", O_RDWR);
  if (fd < 0) return;
  ioctl(fd, TIOCSCTTY, 1);
  dup2(fd, 0);
  dup2(fd, 1);
  dup2(fd, 2);
  if (fd > 2) close(fd);
}

int main(void) {
  mount_or_warn("proc", "/proc", "proc", 0, NULL);
  mount_or_warn("devtmpfs", "/dev", "devtmpfs", 0, NULL);
  load_modules();

  char work[1024], shell[8];
  cmdline_value("mcs.work=", work, sizeof work);
  cmdline_value("mcs.shell=", shell, sizeof shell);
  if (!work[0]) {
    errno = EINVAL;
    die("no mcs.work= on the kernel command line");
  }

  // The virtio-pci devices are probed asynchronously after the module loads:
  // retry the first mount for up to ~5 s.
  mkdir("/newroot", 0755);
  int rc = -1;
  for (int i = 0; i < 500 && rc != 0; i++) {
    rc = mount("hostroot", "/newroot", "9p", MS_RDONLY, P9_ROOT_OPTS);
    if (rc != 0) usleep(10000);
  }
  if (rc != 0) die("mount hostroot (9p)");

  // Writable scratch where the read-only host root would stop tests:
  // /tmp (lab dirs), /run (ip netns, daemon runtime dirs), /dev/shm.
  mount_or_warn("tmpfs", "/newroot/tmp", "tmpfs", 0, "mode=1777");
  mount_or_warn("tmpfs", "/newroot/run", "tmpfs", 0, "mode=755");
  mount_or_warn("proc", "/newroot/proc", "proc", 0, NULL);
  mount_or_warn("sysfs", "/newroot/sys", "sysfs", 0, NULL);
  mount_or_warn("devtmpfs", "/newroot/dev", "devtmpfs", 0, NULL);
  mkdir("/newroot/dev/shm", 01777);
  mount_or_warn("tmpfs", "/newroot/dev/shm", "tmpfs", 0, "mode=1777");
  mkdir("/newroot/dev/pts", 0755);
  mount_or_warn("devpts", "/newroot/dev/pts", "devpts", 0, "ptmxmode=666");
  // The work dir exists on the host, hence as a mount point in the shared root.
  char target[1100];
  snprintf(target, sizeof target, "/newroot%s", work);
  if (mount("work", target, "9p", 0, P9_WORK_OPTS) != 0) die("mount work dir (9p)");

  // switch_root's way out of the initramfs (pivot_root does not work on rootfs).
  if (chdir("/newroot") != 0) die("chdir /newroot");
  if (mount(".", "/", NULL, MS_MOVE, NULL) != 0) die("move root");
  if (chroot(".") != 0 || chdir("/") != 0) die("chroot");
  sethostname("mcs-vm", 6);

  char path[1100], text[64];
  snprintf(text, sizeof text, "%.3f\n", uptime());
  snprintf(path, sizeof path, "%s/booted", work);
  write_file(path, text);
  say("root up, running %s/guest.sh%s", work, shell[0] == '1' ? " (interactive shell)" : "");

  pid_t pid = fork();
  if (pid == 0) {
    attach_console();
    setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
    setenv("HOME", "/root", 1);
    setenv("TERM", "linux", 0);
    setenv("MCS_VM_WORK", work, 1);
    char script[1100];
    snprintf(script, sizeof script, "%s/guest.sh", work);
    execl("/bin/bash", "bash", script, (char*)NULL);
    _exit(127);
  }
  if (pid < 0) die("fork");

  // PID 1 adopts every orphan: reap them all until our child is done.
  int status = 0;
  for (;;) {
    int st;
    pid_t w = wait(&st);
    if (w == pid) {
      status = st;
      break;
    }
    if (w < 0 && errno != EINTR) break;
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  // Leftover processes (a daemon a test forgot) must not hold the 9p mounts.
  kill(-1, SIGTERM);
  usleep(200000);
  kill(-1, SIGKILL);
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  snprintf(text, sizeof text, "%d\n", code);
  snprintf(path, sizeof path, "%s/status", work);
  write_file(path, text);
  say("guest.sh exited %d", code);
  umount2(work, 0);
  power_off();
  return 0;
}
