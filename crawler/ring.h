/*
 * ring.h - the ring of hosts a frontier backend keeps for each shard: a
 * circular doubly linked list whose links live in the hosts themselves.
 * The head is the host whose turn it is; a backend hands out one URL of it
 * and moves the head on (ring_turn), so the hosts take turns.  A host is
 * added last in turn (just before the head).  A link whose next is NULL
 * is in no ring.
 */
#ifndef SC_RING_H
#define SC_RING_H

#include <stddef.h>

struct ring_link {
	struct ring_link *next, *prev;
};

/* The element that holds link l as its member. */
#define RING_ENTRY(l, type, member) ((type *)(void *)((char *)(l) - offsetof(type, member)))

static inline int ring_has(const struct ring_link *l)
{
	return l->next != NULL;
}

/* Put l in the ring at *head (in: 1) or take it out (in: 0); a no-op when
 * it is there, or not there, already. */
static inline void ring_set(struct ring_link **head, struct ring_link *l, int in)
{
	if (in == ring_has(l))
		return;
	if (in && !*head) {
		l->next = l->prev = l;
		*head = l;
	} else if (in) {
		l->next = *head;
		l->prev = (*head)->prev;
		l->prev->next = l;
		(*head)->prev = l;
	} else {
		if (l->next == l) {
			*head = NULL;
		} else {
			l->prev->next = l->next;
			l->next->prev = l->prev;
			if (*head == l)
				*head = l->next;
		}
		l->next = l->prev = NULL;
	}
}

/* The next turn goes to the host after the head. */
static inline void ring_turn(struct ring_link **head)
{
	if (*head)
		*head = (*head)->next;
}

#endif
