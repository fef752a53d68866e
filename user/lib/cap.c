/* cap.c — wrappers for the descriptor and message calls (kernel/abi.h,
 * docs/capabilities.md, docs/ipc.md); results are the kernel's. */
#include "user.h"

#define U(x) ((uint32_t)(x))

int cap_info(int fd, struct cap_info *out) { return syscall(SYS_cap_info, U(fd), U(out), 0, 0, 0); }
int cap_alloc(int quota_fd, uint32_t order) { return syscall(SYS_cap_alloc, U(quota_fd), order, 0, 0, 0); }
int cap_split(int fd, uint32_t k) { return syscall(SYS_cap_split, U(fd), k, 0, 0, 0); }
int cap_merge(int fd, int fd2) { return syscall(SYS_cap_merge, U(fd), U(fd2), 0, 0, 0); }
int cap_map(int fd, uint32_t va, uint32_t flags) { return syscall(SYS_cap_map, U(fd), va, flags, 0, 0); }
int cap_unmap(int fd, uint32_t va) { return syscall(SYS_cap_unmap, U(fd), va, 0, 0, 0); }
int cap_close(int fd) { return syscall(SYS_cap_close, U(fd), 0, 0, 0, 0); }
int cap_slab(int fd, uint32_t kind) { return syscall(SYS_cap_slab, U(fd), kind, 0, 0, 0); }
int ep_create(int right_fd) { return syscall(SYS_ep_create, U(right_fd), 0, 0, 0, 0); }

int ipc_send(int fd, struct ipc_msg *m, uint32_t flags) { return syscall(SYS_ipc_send, U(fd), U(m), flags, 0, 0); }
int ipc_recv(int fd, struct ipc_msg *m, uint32_t flags) { return syscall(SYS_ipc_recv, U(fd), U(m), flags, 0, 0); }
int ipc_call(int fd, struct ipc_msg *m) { return syscall(SYS_ipc_call, U(fd), U(m), 0, 0, 0); }
int ipc_reply(uint32_t id, struct ipc_msg *m) { return syscall(SYS_ipc_reply, id, U(m), 0, 0, 0); }
