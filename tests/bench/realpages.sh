#!/usr/bin/env bash
# realpages.sh BUILD - shardcrawl against wget2 on real pages ('make bench';
# not part of 'make test').
#
# Five documentation trees from Debian's packages (installed when missing):
# Python 3.11, PostgreSQL 15, libstdc++ 12, the Debian handbook and git,
# each served by one nginx on its own loopback address (127.0.1.1 .. 5), as
# static files.  Targets: all five hosts in one crawl ("all"), then each
# host alone.  shardcrawl -j 2 writes WARC files, both digests and its index;
# wget2 writes plain files on tmpfs.  Runs alternate, RUNS each (default 3,
# BENCH_RUNS overrides); every run is kept in BUILD/bench/realpages.md with
# its own figures, and one over twice its target's median wall time is
# flagged.  A run is void when nginx's error log gains a line naming "Too
# many open files" or any other error during it (missing files, the trees'
# broken links, are not logged): then the server, not the crawler, was the
# limit.
#
# Figures: requests (from nginx's access log, by host), wall s (GNU time),
# CPU s (user + system of the tool and its children), CPU ms a request, and
# KB a request (the body bytes nginx sent), so that what grows with the
# bytes of a page shows across the hosts.  Loopback only; every tool runs
# under 'timeout'; nginx is stopped by its process group on exit.
set -u -o pipefail
set +m
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
RUNS=${BENCH_RUNS:-3}
[[ $RUNS =~ ^[1-9][0-9]?$ ]] || { echo "realpages: BENCH_RUNS must be 1..99" >&2; exit 2; }
SC=$BUILD/shardcrawl
BD=$BUILD/bench
BENCH_NAME=realpages
. tests/bench/lib.sh

[ -x "$SC" ] || die "'$SC' is missing: build it first (make programs)"
mkdir -p "$BD" || die "cannot create '$BD'"
need_pkgs nginx wget2 time python3.11-doc postgresql-doc-15 libstdc++-12-doc debian-handbook git-doc
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
GTIME=/usr/bin/time
[ -x "$GTIME" ] || die "GNU time (/usr/bin/time) is missing"
ulimit -n "$(ulimit -Hn)" 2>/dev/null

# name root: the trees, in the order of their addresses
SITES=(
	"python /usr/share/doc/python3.11/html"
	"postgresql /usr/share/doc/postgresql-doc-15/html"
	"libstdc++ /usr/share/doc/gcc-12-base/libstdc++"
	"handbook /usr/share/doc/debian-handbook/html/en-US"
	"git /usr/share/doc/git-doc"
)
NS=${#SITES[@]}
for s in "${SITES[@]}"; do
	[ -f "${s#* }/index.html" ] || die "'${s#* }/index.html' is missing"
done

WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/sc-realpages.XXXXXX") || die "cannot create a temp dir"
SHM=$(mktemp -d /dev/shm/sc-realpages.XXXXXX) || die "cannot create a tmpfs dir"
NG=$WORK/nginx
mkdir -p "$NG/tmp"
PORT=$((20000 + RANDOM % 30000))
{
	echo "worker_processes 1; master_process on; daemon off; user root;"
	echo "pid $NG/nginx.pid; error_log $NG/error.log warn;"
	# open_file_cache below holds up to 20,000 descriptors
	echo "worker_rlimit_nofile 65536;"
	echo "events { worker_connections 4096; }"
	echo "http {"
	echo "  include /etc/nginx/mime.types; default_type application/octet-stream;"
	echo "  sendfile on; tcp_nopush on; tcp_nodelay on; server_tokens off;"
	echo "  keepalive_requests 100000; keepalive_timeout 65;"
	echo "  open_file_cache max=20000 inactive=60s; open_file_cache_errors on;"
	echo "  log_not_found off;"
	echo "  log_format bench '\$server_addr \$request_method \$status \$body_bytes_sent';"
	echo "  access_log $NG/access.log bench;"
	echo "  client_body_temp_path $NG/tmp/body; proxy_temp_path $NG/tmp/proxy;"
	echo "  fastcgi_temp_path $NG/tmp/fcgi; uwsgi_temp_path $NG/tmp/uwsgi; scgi_temp_path $NG/tmp/scgi;"
	for ((k = 0; k < NS; k++)); do
		echo "  server { listen 127.0.1.$((k + 1)):$PORT; root ${SITES[k]#* }; index index.html; }"
	done
	echo "}"
} >"$NG/nginx.conf"
: >"$NG/access.log"
: >"$NG/error.log"
setsid "$NGINX" -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" >"$NG/stdout" 2>&1 </dev/null &
NG_PID=$!
SRV_PIDS+=("$NG_PID")
for _ in $(seq 1 100); do
	(exec 3<>"/dev/tcp/127.0.1.$NS/$PORT") 2>/dev/null && break
	sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.1.$NS/$PORT") 2>/dev/null ||
	die "nginx did not start: $(tail -n 3 "$NG/error.log" "$NG/stdout" | tr '\n' ' ')"
say "nginx (pid $NG_PID) serves $NS trees on 127.0.1.1..$NS:$PORT"

RAW=$WORK/raw.tsv
: >"$RAW"

# seeds TARGET: the seed URLs of a target (all, or a site's index 0..NS-1)
seeds() {
	local k
	for ((k = 0; k < NS; k++)); do
		[ "$1" = all ] || [ "$1" = "$k" ] && echo "http://127.0.1.$((k + 1)):$PORT/index.html"
	done
}
tname() { [ "$1" = all ] && echo all || echo "${SITES[$1]%% *}"; }

# one TARGET TOOL RUN: a crawl; appends "target tool run requests wall cpu
# kb void" to RAW
one() {
	local t=$1 tool=$2 r=$3 tf=$WORK/time off eoff rc wall tu ts rss req kb void="" out
	settle
	off=$(stat -c %s "$NG/access.log")
	eoff=$(stat -c %s "$NG/error.log")
	if [ "$tool" = shardcrawl ]; then
		out=$WORK/out-sc
		rm -rf "$out"
		# shellcheck disable=SC2046
		timed "$tf" 300 "$SC" -j 2 -c 64 --per-host 8 --no-robots -q -o "$out" $(seeds "$t")
	else
		out=$SHM/out-wget2
		rm -rf "$out"
		mkdir -p "$out"
		# shellcheck disable=SC2046
		timed "$tf" 300 wget2 -r -l inf --max-threads=16 --no-robots -q -P "$out" $(seeds "$t")
	fi
	rc=$?
	sleep 0.3
	read -r wall tu ts rss <"$tf"
	read -r req kb < <(tail -c "+$((off + 1))" "$NG/access.log" |
		awk '$2 == "GET" { n++; b += $4 } END { printf "%d %.1f\n", n, n ? b / n / 1024 : 0 }')
	# the trees' broken links are 404s (log_not_found off keeps them out
	# of the error log): anything logged at error level or worse is ours
	if tail -c "+$((eoff + 1))" "$NG/error.log" | grep -q 'Too many open files\|\[\(error\|crit\|alert\|emerg\)\]'; then
		void="void: nginx logged $(tail -c "+$((eoff + 1))" "$NG/error.log" | grep -c 'Too many open files') 'Too many open files' in $(tail -c "+$((eoff + 1))" "$NG/error.log" | wc -l) lines"
	fi
	# shardcrawl exits 8 when some pages were 4xx: the trees hold broken links
	[ "$tool" = shardcrawl ] && [ $rc = 8 ] && rc=0
	# wget2 exits 8 for the same reason
	[ "$tool" = wget2 ] && [ $rc = 8 ] && rc=0
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(tname "$t")" "$tool" "$r" "$rc" "$req" "$wall" \
		"$(awk -v a="$tu" -v b="$ts" 'BEGIN { print a + b }')" "$kb" "$void" >>"$RAW"
	say "$(tname "$t") $tool run $r: rc $rc, $req requests, $wall s, cpu $tu+$ts s${void:+, $void}"
	rm -rf "$out"
}

for r in $(seq 1 "$RUNS"); do
	for t in all $(seq 0 $((NS - 1))); do
		one "$t" shardcrawl "$r"
		one "$t" wget2 "$r"
	done
done

# --- the table: medians over the good runs, every run below it ---------------
MD=$BD/realpages.md
{
	echo "# Real pages: shardcrawl -j 2 (WARC + digests + index) against wget2 (files on tmpfs)"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg); $RUNS runs each, medians"
	echo
	echo "| target | tool | requests | wall s | req/s | CPU s | CPU ms a request | KB a request | req/s vs wget2 | CPU a request vs wget2 |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	awk -F'\t' '
		function med(a, n,   i, j, x) {
			for (i = 2; i <= n; i++) { x = a[i]; j = i - 1; while (j > 0 && a[j] > x) { a[j + 1] = a[j]; j-- } a[j + 1] = x }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		$4 == 0 && $9 == "" {
			k = $1 SUBSEP $2; n[k]++
			W[k, n[k]] = $6; C[k, n[k]] = $7; R[k, n[k]] = $5; K[k, n[k]] = $8
			if (!($1 in seen)) { seen[$1] = 1; order[++no] = $1 }
		}
		END {
			for (o = 1; o <= no; o++) for (tt = 1; tt <= 2; tt++) {
				t = order[o]; tool = tt == 1 ? "shardcrawl" : "wget2"; k = t SUBSEP tool
				if (!n[k]) continue
				for (i = 1; i <= n[k]; i++) { w[i] = W[k, i]; c[i] = C[k, i]; q[i] = R[k, i]; b[i] = K[k, i] }
				mw = med(w, n[k]); mc = med(c, n[k]); mq = med(q, n[k]); mb = med(b, n[k])
				rps[k] = mw > 0 ? mq / mw : 0; cpr[k] = mq > 0 ? mc * 1000 / mq : 0
				line[k] = sprintf("| %s | %s | %d | %.2f | %.0f | %.2f | %.3f | %.1f", t, tool, mq, mw, rps[k], mc, cpr[k], mb)
			}
			for (o = 1; o <= no; o++) for (tt = 1; tt <= 2; tt++) {
				t = order[o]; tool = tt == 1 ? "shardcrawl" : "wget2"; k = t SUBSEP tool; g = t SUBSEP "wget2"
				if (!(k in line)) continue
				if (tt == 1 && (g in line) && rps[g] > 0 && cpr[g] > 0)
					printf "%s | %.2fx | %.2fx |\n", line[k], rps[k] / rps[g], cpr[k] / cpr[g]
				else
					printf "%s | | |\n", line[k]
			}
		}' "$RAW"
	echo
	echo "Every run (wall s over twice its target's median is flagged):"
	echo
	echo "| target | tool | run | rc | requests | wall s | CPU s | KB a request | note |"
	echo "|---|---|---|---|---|---|---|---|---|"
	awk -F'\t' '
		NR == FNR { if ($4 == 0) { k = $1 SUBSEP $2; v[k] = v[k] " " $6; n[k]++ } next }
		{
			k = $1 SUBSEP $2; m = split(substr(v[k], 2), a, " ")
			for (i = 2; i <= m; i++) { x = a[i]; j = i - 1; while (j > 0 && a[j] + 0 > x + 0) { a[j + 1] = a[j]; j-- } a[j + 1] = x }
			md = m ? (m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2) : 0
			note = $9; if (md > 0 && $6 > 2 * md) note = note (note ? "; " : "") "OVER 2x THE MEDIAN"
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, note
		}' "$RAW" "$RAW"
} >"$MD"
cat "$MD"
