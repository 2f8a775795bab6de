/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmemopt: memopt buffers for applications.
 *
 * A thin layer over the /dev/memopt ioctls (<linux/memopt.h>): open a
 * session, find a pool by name, allocate a buffer and get it back already
 * mapped, export it as a dma-buf fd, pass that fd to another process over
 * an AF_UNIX socket, and import it there, mapped again. Every function
 * returns 0 (or a non-negative value where documented) on success and a
 * negative errno on failure; none of them sets or relies on errno. Every
 * file descriptor the library creates is close-on-exec.
 *
 * The library keeps no global state: sessions are independent, and a
 * session may be used from several threads as long as each buffer is
 * used by one thread at a time. Symbols are versioned (MEMOPT_0.1).
 */
#ifndef LIBMEMOPT_H
#define LIBMEMOPT_H

#include <stddef.h>
#include <stdint.h>

#include <linux/memopt.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * struct memopt_session: an open /dev/memopt, opaque. Buffers are named by
 * handles that are only valid in the session that allocated or imported
 * them.
 */
struct memopt_session;

/**
 * struct memopt_buffer - a buffer held and mapped by a session
 * @handle: the buffer's handle in the session (never 0 while held)
 * @flags: %MEMOPT_HANDLE_RDONLY when the handle, and so @addr, is
 *	read-only (imported from a read-only export)
 * @addr: where the whole buffer is mapped (MAP_SHARED; read-write, or
 *	read-only with %MEMOPT_HANDLE_RDONLY)
 * @size: the buffer's size in bytes: the size asked for, rounded up to
 *	whole blocks of its pool
 * @id: the buffer's id, the same in every session and process that holds
 *	it and in memopt's leak reports; never reused
 *
 * Filled by memopt_buffer_alloc() and memopt_buffer_import(), cleared by
 * memopt_buffer_free(). The caller owns the struct; the library keeps no
 * pointer to it.
 */
struct memopt_buffer {
	uint32_t handle;
	uint32_t flags;
	void *addr;
	size_t size;
	uint64_t id;
};

/**
 * memopt_open() - open a session on /dev/memopt
 * @s: set to the new session on success, untouched on failure
 *
 * Return: 0; -EINVAL (@s is NULL); -ENOENT (no /dev/memopt: the module is
 * not loaded); -EACCES; -ENOMEM; or another error of open(2).
 */
int memopt_open(struct memopt_session **s);

/**
 * memopt_close() - close a session
 * @s: the session, or NULL (nothing happens)
 *
 * Drops every handle of the session. Buffers still mapped stay valid until
 * they are unmapped, and buffers held elsewhere (another session, an
 * exported fd) live on; unmap with memopt_buffer_free() before closing to
 * give buffers back at once.
 */
void memopt_close(struct memopt_session *s);

/**
 * memopt_session_fd() - the session's /dev/memopt file descriptor
 * @s: the session
 *
 * For poll loops and for calling ioctls the library does not wrap. The
 * descriptor belongs to the session: do not close it.
 *
 * Return: the descriptor, or -EINVAL when @s is NULL.
 */
int memopt_session_fd(const struct memopt_session *s);

/**
 * memopt_pool_lookup() - find a pool by name
 * @s: the session
 * @name: the pool's name
 * @pool_id: set to the pool's id (for memopt_buffer_alloc()); may be NULL
 * @block_size: set to the pool's block size in bytes; may be NULL
 *
 * Return: 0; -EINVAL (@s or @name NULL, or @name empty); -ENAMETOOLONG
 * (@name longer than 31 characters: no pool can have it); -ENOENT (no such
 * pool).
 */
int memopt_pool_lookup(struct memopt_session *s, const char *name, uint32_t *pool_id,
		       uint32_t *block_size);

/**
 * memopt_buffer_alloc() - allocate a buffer and map it
 * @s: the session
 * @pool_id: the pool to allocate from (memopt_pool_lookup())
 * @size: bytes wanted, rounded up to whole blocks of the pool; not 0
 * @b: filled in on success (handle, flags 0, addr, size, id); untouched on
 *	failure
 *
 * The buffer is mapped read-write, MAP_SHARED, whole; its contents are
 * zero. Nothing is left behind on failure.
 *
 * Return: 0; -EINVAL (a NULL argument, @size 0, or more than the pool can
 * ever hold); -ENOENT (no such pool); -EACCES (the pool's owner and mode do
 * not allow it); -ENOSPC (the pool is at its max); -ENOMEM (out of memory,
 * or memopt's global cap); -EMFILE (no handle left in the session);
 * -EOVERFLOW (the buffer does not fit in this process's address space).
 */
int memopt_buffer_alloc(struct memopt_session *s, uint32_t pool_id, size_t size,
			struct memopt_buffer *b);

/**
 * memopt_buffer_free() - unmap a buffer and drop its handle
 * @s: the session that holds it
 * @b: the buffer; cleared on return, whatever the result
 *
 * The buffer goes back to its pool when nothing else holds it (another
 * session, an exported fd, another mapping). Pointers into the mapping
 * are invalid afterwards.
 *
 * Return: 0; -EINVAL (a NULL argument, or @b holds no buffer); -ENOENT
 * (the session holds no such handle: a copy of a struct freed since).
 */
int memopt_buffer_free(struct memopt_session *s, struct memopt_buffer *b);

/**
 * memopt_buffer_export() - a dma-buf file descriptor for a buffer
 * @s: the session that holds it
 * @b: the buffer
 * @flags: 0, or %MEMOPT_EXPORT_RDONLY: the fd, and every handle imported
 *	from it, can only map the buffer for reading. %MEMOPT_EXPORT_CLOEXEC
 *	is accepted and changes nothing: the library always sets it.
 * @fd: set to the new descriptor on success
 *
 * The descriptor is close-on-exec, like every descriptor the library
 * creates: a library must not leak descriptors into programs that another
 * thread happens to exec. To hand it to a child across exec, clear
 * FD_CLOEXEC with fcntl(2) in the child. The dma-buf holds the buffer
 * until it is closed everywhere and unmapped; pass it on with
 * memopt_send_fd(), map it with mmap(2) (MAP_SHARED), or import it with
 * memopt_buffer_import(). Each call makes a new dma-buf.
 *
 * Return: 0; -EINVAL (a NULL argument, or a flag the kernel does not
 * know); -ENOENT (no such handle); -EACCES (a read-only buffer exported
 * without %MEMOPT_EXPORT_RDONLY); -EMFILE (no free descriptor); -ENOMEM.
 */
int memopt_buffer_export(struct memopt_session *s, const struct memopt_buffer *b,
			 unsigned int flags, int *fd);

/**
 * memopt_buffer_import() - hold and map a buffer from a dma-buf fd
 * @s: the session that is to hold it
 * @fd: a dma-buf fd exported by memopt (memopt_buffer_export()), for
 *	instance received with memopt_recv_fd(); still the caller's to close
 * @b: filled in on success; untouched on failure
 *
 * The session gets a new handle of its own, which holds the buffer
 * whether or not @fd stays open. The mapping is read-write, or read-only
 * when the export was (then @b->flags has %MEMOPT_HANDLE_RDONLY).
 *
 * Return: 0; -EINVAL (a NULL argument, or @fd is not a dma-buf exported by
 * memopt); -EBADF (@fd is not open); -EMFILE (no handle left in the
 * session); -ENOMEM; -EOVERFLOW (the buffer does not fit in this
 * process's address space).
 */
int memopt_buffer_import(struct memopt_session *s, int fd, struct memopt_buffer *b);

/**
 * memopt_buffer_set_label() - name a buffer in memopt's leak reports
 * @s: the session that holds it
 * @b: the buffer
 * @label: up to 31 printable ASCII characters; "" clears the label
 *
 * The label belongs to the buffer, not the handle: every holder sees it.
 *
 * Return: 0; -EINVAL (a NULL argument, or a character that is not
 * printable ASCII); -ENAMETOOLONG (@label is longer than 31 characters);
 * -ENOENT (no such handle).
 */
int memopt_buffer_set_label(struct memopt_session *s, const struct memopt_buffer *b,
			    const char *label);

/**
 * memopt_send_fd() - send a file descriptor and a small message
 * @sock: a connected AF_UNIX socket (stream, seqpacket or datagram)
 * @fd: the descriptor to pass (SCM_RIGHTS); the caller keeps its own copy
 * @data: the message, sent in the same call as @fd
 * @len: its length, at least 1 byte (a descriptor cannot travel alone)
 *
 * Sends all of @data: on a stream socket the rest of a partial send follows
 * without the descriptor, which travels with the first part. Retried on
 * EINTR. Never raises SIGPIPE.
 *
 * Return: 0; -EINVAL (@data NULL or @len 0); -EBADF (@fd or @sock not
 * open); -ENOTSOCK; -EPIPE (the peer is gone); -EMSGSIZE; or another error
 * of sendmsg(2).
 */
int memopt_send_fd(int sock, int fd, const void *data, size_t len);

/**
 * memopt_recv_fd() - receive a message of @len bytes and the fd with it
 * @sock: a connected AF_UNIX socket
 * @fd: set to the received descriptor (close-on-exec), or to -1 when the
 *	message carried none; -1 on failure
 * @data: where the message goes
 * @len: its exact length, at least 1
 *
 * On a stream socket, waits until @len bytes have arrived. On a seqpacket
 * or datagram socket one message is read and must be exactly @len bytes.
 * A message carrying anything other than at most one descriptor is
 * refused, and every descriptor that came with it is closed: the caller
 * never receives a descriptor it does not know about. Retried on EINTR.
 *
 * Return: 0; -EINVAL (a NULL argument or @len 0); -EPIPE (the peer closed
 * the connection before the message began); -EBADMSG (the message is
 * shorter than @len, ended by the peer closing the stream, or carried
 * more than one descriptor, other ancillary data, or more descriptors than
 * fit, MSG_CTRUNC); -EMSGSIZE (the message is longer than @len; its
 * remainder is lost); -EBADF; -ENOTSOCK; or another error of recvmsg(2).
 */
int memopt_recv_fd(int sock, int *fd, void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* LIBMEMOPT_H */
