/*
 * redis_lua.h - the Lua scripts of a shared crawl, and the keys they keep.
 *
 * Every update that touches more than one key is one of these scripts, run
 * with EVALSHA (Redis runs a script alone, so each is atomic), and each
 * takes its clock from redis.call('TIME'): the nodes need no synchronized
 * clocks, and every time below is the Redis server's, in ms.  Keys are
 * built inside the scripts from the crawl's prefix P = "sc:NAME:" (one
 * Redis, no cluster: a cluster would need every key of a crawl in one
 * hash slot, which these names do not ask for).
 *
 * Keys (README, "Several machines: keys"):
 *   P cfg            string  the crawl's settings (crawler/settings.h text)
 *   P nodeseq        int     node numbers handed out
 *   P seen:B         set     64-bit fingerprints whose top 16 bits are B
 *                            (65,536 sets, each small: an intset, 8 bytes a
 *                            fingerprint, while under set-max-intset-entries)
 *   P q:HOST         list    the host's queued URLs, oldest first
 *   P out:HOST       hash    the host's URLs out at its lease holder (id ->
 *                            entry), given back to q:HOST if the lease expires
 *   P ready          zset    hosts with URLs queued and no lease, by the time
 *                            they may be taken (picking one never scans hosts)
 *   P lease          zset    leased hosts, by lease expiry
 *   P owner          hash    leased host -> node
 *   P hn:HOST        string  with a TTL: the host may not start before it
 *                            expires (its delay, carried over a release)
 *   P quota          hash    host -> URLs admitted (--host-quota only)
 *   P n              hash    counters: admitted queued out done reclaimed oid
 *   P nodes          zset    live nodes, by heartbeat expiry
 *   P ninfo          hash    node -> its figures, for --status
 *   P busy, rshare   hash    node -> has work (0/1); its share of --rate
 *
 * An entry (a queued URL) is "DEPTH\tREDIRECTS\tURL\tREFERRER".
 *
 * The scripts (ARGV only; replies bounded by what the call asked for):
 *   RL_ADMIT  P, then per URL: B FP HOST QUOTA ENTRY (QUOTA: 0 none, -1
 *             counted but never refused, N the cap).  New URLs go to the
 *             end of q:HOST; an unleased host joins ready (at now, or when
 *             its hn: hold ends).  Returns how many were new.  Safe to run
 *             twice: the seen set drops the second.
 *   RL_ACK    P, then HOST ID pairs: those URLs are done.  Returns how many
 *             were still out (an ID whose lease expired meanwhile was given
 *             back to the queue and counts nothing).  Safe to run twice.
 *   RL_WORK   P NODE LEASE_MS TTL_MS RATE BUSY K M INFO, then per held host
 *             HOST OP N DELAY_MS.  In order: the node's heartbeat; dead
 *             nodes forgotten; expired leases taken back (their out URLs to
 *             the front of their queue, the host ready now); each held host
 *             renewed (OP r), renewed and given up to N more URLs (f), or
 *             released if nothing of it is queued (x: the node has nothing
 *             of the host, nor an ack to send for it, so URLs still in
 *             out:HOST are ones whose reply was lost: queued again first;
 *             hn:HOST then holds the host DELAY_MS), or its lease ended now (e: the node
 *             leaves; the next RL_WORK by any node queues its URLs again); up to K ready hosts leased to NODE with up
 *             to M URLs each; the node's share of RATE.  Returns
 *               { {admitted, queued, out, done, reclaimed, leases, nodes,
 *                  share in mreq/s, ms until the next ready host or -1},
 *                 { {HOST, "ok"|"new", LEFT, ID, ENTRY, ID, ENTRY...},
 *                   {HOST, "gone"|"lost"}, ... } }
 *             LEFT: URLs still queued for the host.  "lost": the lease had
 *             expired and another node may hold it now.
 */
#ifndef SC_REDIS_LUA_H
#define SC_REDIS_LUA_H

enum { RL_ADMIT, RL_ACK, RL_WORK, RL_COUNT };

/* The script's source. */
const char *redis_lua_source(int script);

#endif
