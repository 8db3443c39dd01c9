#!/usr/bin/env bash
# run.sh BUILD - the throughput benchmark ('make bench'; not part of 'make test').
#
# Needs BUILD/shardcrawl and BUILD/testsrv.  Installs what is missing (nginx,
# wget2, wrk, GNU time) with apt-get, generates a static site, serves it with
# its own nginx (never the system service) and measures:
#
#   T1  CPU-bound: shardcrawl -j 2 (also with --extract data/extract/t1.yaml)
#       vs wget2 on 20,000 pages of ~15 KB over
#       8 hosts (127.0.0.1 .. 127.0.0.8), checked against nginx's access log;
#       wget2 once more with its 20,000 files on tmpfs (/dev/shm), as file
#       creation on a slow disk costs it several seconds of system time
#       shardcrawl -j 2 --no-requisites too: the cost of looking for page
#       requisites (the T1 pages embed none)
#   T4  the same crawl with -j 1: the -j2/-j1 ratio, the coordinator's CPU share
#   T2  latency-bound: testsrv --latency-ms 100, -c 256 and -c 2000
#   T3  bulk URL lists (100,000 and 1,000,000 URLs of ~1 KB) beside wrk
#   T5  the seen set's bytes per URL at ten million URLs (seenbench)
#   and gzbench (zlib vs libdeflate vs ISA-L igzip) on the WARC file of one T1 run.
#
# Peers run alternately, RUNS times each (default 3; BENCH_RUNS overrides),
# and the table shows medians.  Everything goes to 127.0.0.0/8 only; every
# tool runs under 'timeout'; every server is killed on exit.  The table and
# the raw per-run figures are written to BUILD/bench/results.md.
#
# Environment: BENCH_RUNS (runs per target, default 3), BENCH_TMP (where the
# site and the crawl outputs go, default /tmp; ~2 GB at the peak, for the
# 1M-URL run's WARC file), BENCH_SKIP (targets not to run, of T2 and T3:
# "T2 T3" for the T1 family and the microbenchmarks alone).
#
# Cores: nginx runs with 'worker_processes 1' so that on the 2-core
# development machine the crawler under test gets the other core (wget2 and
# shardcrawl get the same deal).  One nginx worker serves these static files
# at several times the rate any crawler here reaches, so it is not the limit.
set -u -o pipefail
set +m  # no job control: 'setsid' below must exec, not fork, for $! to be the server
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
RUNS=${BENCH_RUNS:-3}
skip() { case " ${BENCH_SKIP:-} " in *" $1 "*) return 0 ;; esac; return 1; }
[[ $RUNS =~ ^[1-9][0-9]?$ ]] || { echo "bench: BENCH_RUNS must be 1..99" >&2; exit 2; }
SC=$BUILD/shardcrawl
BD=$BUILD/bench
HOSTS=8
PAGES=20000
T_START=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
BENCH_NAME=bench
. tests/bench/lib.sh

for f in "$SC" "$BUILD/testsrv"; do
	[ -x "$f" ] || die "'$f' is missing: build it first (make programs)"
done
mkdir -p "$BD" || die "cannot create '$BD'"

# --- 1. what we need -------------------------------------------------------
need_pkgs nginx wget2 wrk time zlib1g-dev libdeflate-dev libisal-dev
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
GTIME=/usr/bin/time
[ -x "$GTIME" ] || die "GNU time (/usr/bin/time) is missing"

# More descriptors: -c 2000 needs 2,000 sockets plus the output files.
ulimit -n "$(ulimit -Hn)" 2>/dev/null
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 4500 ] ||
	say "warning: only $(ulimit -n) file descriptors; the -c 2000 run may fail"

WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/sc-bench.XXXXXX") || die "cannot create a temp dir"
RAW=$WORK/raw.tsv
: >"$RAW"
NOTES=()
note() { NOTES+=("$*"); say "NOTE: $*"; }

cc -O2 -o "$BD/gensite" tests/bench/gensite.c || die "cannot compile gensite.c"
cc -O2 -I. tests/bench/seenbench.c common/seen.c common/err.c -o "$BD/seenbench" ||
	note "seenbench did not compile"
cc -O2 -I. tests/bench/gzbench.c -o "$BD/gzbench" -lz -ldeflate -lisal || note "gzbench did not compile"
# shellcheck disable=SC2046
cc -O2 -I. -D_GNU_SOURCE $(pkg-config --cflags libxml-2.0) tests/bench/extractbench.c "$BUILD"/common/*.o \
	-o "$BD/extractbench" $(pkg-config --libs libcurl libxml-2.0 zlib liblz4 libcrypto libpsl \
	libdeflate libisal yaml-0.1) -lm || note "extractbench did not compile"

# --- helpers ---------------------------------------------------------------
# row TARGET TOOL RUN RC WALL PAGES BYTES CPU RSS_A RSS_B COORD_CPU ERRORS NOTE
row() {
	local IFS=$'\t'
	echo "$*" >>"$RAW"
}

# agg TARGET TOOL 'AWK EXPR' med|max: over the rows with RC 0
agg() {
	awk -F'\t' -v t="$1" -v o="$2" -v mode="$4" '
		$1 == t && $2 == o && $4 == 0 { v[++n] = ('"$3"') }
		END {
			if (!n) { print "n/a"; exit }
			for (i = 2; i <= n; i++) { x = v[i]; j = i - 1; while (j > 0 && v[j] > x) { v[j + 1] = v[j]; j-- } v[j + 1] = x }
			if (mode == "max") print v[n]
			else print (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2)
		}' "$RAW"
}
# okruns TARGET TOOL: "good/all"
okruns() {
	awk -F'\t' -v t="$1" -v o="$2" '$1 == t && $2 == o { n++; if ($4 == 0) g++ } END { printf "%d/%d", g, n }' "$RAW"
}

# free_port: a port nothing listens on at 127.0.0.1..8
free_port() {
	local p k busy
	for _ in $(seq 1 50); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		busy=""
		for k in $(seq 1 $HOSTS); do
			(exec 3<>"/dev/tcp/127.0.0.$k/$p") 2>/dev/null && busy=1 && break
		done
		[ -z "$busy" ] && { echo "$p"; return 0; }
	done
	return 1
}

# --- 2. the site and nginx -------------------------------------------------
NG=$WORK/nginx
NG_PID=""
PORT=""
ITEM_BYTES="?"
start_nginx() {
	local k up
	mkdir -p "$NG/tmp" "$NG/site" || return 1
	for _ in 1 2 3 4 5; do
		PORT=$(free_port) || return 1
		say "generating $PAGES pages for port $PORT"
		timeout 300 "$BD/gensite" "$NG/site" "$PAGES" "$PORT" "$HOSTS" || return 1
		{
			echo "worker_processes 1;"
			echo "master_process on;"
			echo "daemon off;"
			echo "user root;"
			echo "pid $NG/nginx.pid;"
			echo "error_log $NG/error.log warn;"
			echo "worker_rlimit_nofile 8192;"
			echo "events { worker_connections 4096; }"
			echo "http {"
			echo "  types { text/html html; application/json json; }"
			echo "  default_type application/octet-stream;"
			echo "  sendfile on; tcp_nopush on; tcp_nodelay on;"
			echo "  keepalive_requests 100000; keepalive_timeout 65;"
			echo "  server_tokens off;"
			echo "  log_format bench '\$server_addr \$request_method \$request_uri \$status \$body_bytes_sent';"
			echo "  access_log $NG/access.log bench;"
			echo "  client_body_temp_path $NG/tmp/body; proxy_temp_path $NG/tmp/proxy;"
			echo "  fastcgi_temp_path $NG/tmp/fcgi; uwsgi_temp_path $NG/tmp/uwsgi; scgi_temp_path $NG/tmp/scgi;"
			echo "  server {"
			for k in $(seq 1 $HOSTS); do echo "    listen 127.0.0.$k:$PORT;"; done
			echo "    root $NG/site;"
			echo "    location / { }"
			echo "    location /i/ { default_type application/json; access_log off; try_files /item.json =404; }"
			echo "  }"
			echo "}"
		} >"$NG/nginx.conf"
		: >"$NG/access.log"
		setsid "$NGINX" -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" >"$NG/stdout" 2>&1 </dev/null &
		NG_PID=$!
		SRV_PIDS+=("$NG_PID")
		for _ in $(seq 1 100); do
			kill -0 "$NG_PID" 2>/dev/null || break
			up=0
			for k in $(seq 1 $HOSTS); do
				(exec 3<>"/dev/tcp/127.0.0.$k/$PORT") 2>/dev/null && up=$((up + 1))
			done
			[ $up = $HOSTS ] && return 0
			sleep 0.1
		done
		say "nginx did not start on port $PORT: $(tail -n 3 "$NG/error.log" "$NG/stdout" 2>/dev/null | tr '\n' ' ')"
		stop_srv "$NG_PID"
		NG_PID=""
	done
	return 1
}

# logcheck FROM: the access-log lines after byte offset FROM, as
# "lines distinct dups other bytes": distinct pages fetched from their own
# host, extra fetches of those, any other request, body bytes of all
logcheck() {
	tail -c "+$(($1 + 1))" "$NG/access.log" | awk -v H=$HOSTS -v N=$PAGES '
		$2 == "GET" && $3 ~ /^\/p[0-9]+\.html$/ && $4 == 200 {
			n = substr($3, 3) + 0
			if (n < N && $1 == "127.0.0." (n % H + 1)) { c[n]++; bytes += $5; next }
		}
		{ other++; bytes += $5 }
		END {
			for (k in c) { d++; if (c[k] > 1) dup += c[k] - 1 }
			printf "%d %d %d %d %.0f\n", NR, d, dup, other, bytes
		}'
}

SEEDS=()
for ((k = 0; k < HOSTS; k++)); do SEEDS+=("http://127.0.0.$((k + 1)):PORT/p$k.html"); done
seeds() { printf '%s\n' "${SEEDS[@]}" | sed "s/:PORT\//:$PORT\//"; }
DOMAINS=$(seq -f '127.0.0.%g' 1 $HOSTS | paste -sd,)

GZ_WARC=""
# t1_sc SHARDS RUN [LABEL OPTION...]: one shardcrawl crawl of the nginx site
# (LABEL defaults to "shardcrawl -j SHARDS"; the options are added to it)
t1_sc() {
	local j=$1 r=$2 label=${3:-"shardcrawl -j $1"} out=$WORK/out-sc tf=$WORK/time rc off lc wall=0 tu=0 ts=0 trss=0 cpu note
	local extra=("${@:4}")
	rm -rf "$out"
	settle
	off=$(stat -c %s "$NG/access.log")
	# shellcheck disable=SC2046
	timed "$tf" 180 "$SC" -j "$j" -c 64 --per-host 8 --no-robots -q "${extra[@]}" -o "$out" $(seeds)
	rc=$?
	sleep 0.2
	lc=$(logcheck "$off")
	read -r wall tu ts trss <"$tf"
	set -- $lc
	note="log: $1 requests, $2 distinct pages, $3 dup, $4 other"
	if [ "$2" = $PAGES ] && [ "$3" = 0 ] && [ "$4" = 0 ]; then note="$note (every page exactly once)"
	else note="$note (NOT every page exactly once)"; fi
	[ $rc = 0 ] && [ ! -f "$out/stats.json" ] && rc=99
	[ -f "$out/items.jsonl" ] && note="$note; items $(wc -l <"$out/items.jsonl" 2>/dev/null || echo 0) of $PAGES"
	cpu=$(awk -v a="$(jnum "$out/stats.json" coord_cpu_s)" -v b="$(jnum "$out/stats.json" shards_cpu_s)" 'BEGIN { print a + b }')
	row T1 "$label" "$r" "$rc" "$wall" "$1" "$5" "$cpu" \
		"$(jnum "$out/stats.json" coord_max_rss_kb)" "$(jnum "$out/stats.json" shard_max_rss_kb)" \
		"$(jnum "$out/stats.json" coord_cpu_s)" "$(jerrors "$out/stats.json")" \
		"$note; stats pages=$(jnum "$out/stats.json" pages) wall_s=$(jnum "$out/stats.json" wall_s); time(1) cpu=$(awk -v a="$tu" -v b="$ts" 'BEGIN { print a + b }')"
	say "T1 run $r $label: rc $rc, $wall s, cpu $cpu s; $note"
	if [ -z "$GZ_WARC" ] && [ ${#extra[@]} = 0 ] && [ $rc = 0 ] && [ -f "$out/crawl-00000.warc.gz" ]; then
		GZ_WARC=$WORK/t1.warc.gz
		mv "$out/crawl-00000.warc.gz" "$GZ_WARC"
	fi
	rm -rf "$out"
}

# t1_wget2 RUN LABEL DIR: one wget2 crawl, its files written under DIR
t1_wget2() {
	local r=$1 label=$2 out=$3/out-wget2 tf=$WORK/time rc off lc wall=0 tu=0 ts=0 trss=0 note
	rm -rf "$out"
	settle
	mkdir -p "$out"
	off=$(stat -c %s "$NG/access.log")
	# shellcheck disable=SC2046
	timed "$tf" 180 wget2 -r -l inf --max-threads=64 -H --domains="$DOMAINS" --no-robots -q \
		-P "$out" $(seeds)
	rc=$?
	sleep 0.2
	lc=$(logcheck "$off")
	read -r wall tu ts trss <"$tf"
	set -- $lc
	note="log: $1 requests, $2 distinct pages, $3 dup, $4 other"
	if [ "$2" = $PAGES ] && [ "$3" = 0 ] && [ "$4" = 0 ]; then note="$note (every page exactly once)"
	else note="$note (NOT every page exactly once)"; fi
	row T1 "$label" "$r" "$rc" "$wall" "$1" "$5" "$(awk -v a="$tu" -v b="$ts" 'BEGIN { print a + b }')" \
		"$trss" - - - "$note; files=$(find "$out" -type f | wc -l)"
	say "T1 run $r $label: rc $rc, $wall s, cpu $tu+$ts s; $note"
	rm -rf "$out"
}

# t3_sc N RUN LIST: one bulk crawl of a URL list
t3_sc() {
	local n=$1 r=$2 list=$3 out=$WORK/out-bulk tf=$WORK/time rc wall=0 tu=0 ts=0 trss=0 s ok errs
	rm -rf "$out"
	settle
	timed "$tf" $((60 + n / 2000)) "$SC" --depth 0 --no-robots -j 2 -c 64 --per-host 8 --urls "$list" -q -o "$out"
	rc=$?
	read -r wall tu ts trss <"$tf"
	s=$out/stats.json
	ok=$(jnum "$s" ok)
	errs=$(jerrors "$s")
	[ $rc = 0 ] && [ "$ok" != "$n" ] && rc=98
	row T3 "shardcrawl $4" "$r" "$rc" "$wall" "$(jnum "$s" pages)" "$(jnum "$s" bytes)" \
		"$(awk -v a="$(jnum "$s" coord_cpu_s)" -v b="$(jnum "$s" shards_cpu_s)" 'BEGIN { print a + b }')" \
		"$(jnum "$s" coord_max_rss_kb)" "$(jnum "$s" shard_max_rss_kb)" "$(jnum "$s" coord_cpu_s)" "$errs" \
		"ok=$ok of $n; seen_bytes=$(jnum "$s" seen_bytes); wall_s=$(jnum "$s" wall_s); warc=$(du -sm "$out" 2>/dev/null | cut -f1) MB"
	say "T3 run $r shardcrawl $4: rc $rc, $wall s, ok $ok of $n, errors $errs"
	rm -rf "$out"
}

t3_wrk() {
	local r=$1 tf=$WORK/time rc wall=0 tu=0 ts=0 trss=0 rps mbs
	settle
	timed "$tf" 40 wrk -t 2 -c 64 -d 10s "http://127.0.0.1:$PORT/i/1" >"$WORK/wrk.out" 2>&1
	rc=$?
	read -r wall tu ts trss <"$tf"
	rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk.out")
	mbs=$(awk '/^Transfer\/sec:/ {
		v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[A-Za-z]+$/, "", v)
		m = (u == "GB" ? 1073741824 : u == "MB" ? 1048576 : u == "KB" ? 1024 : 1)
		printf "%.0f\n", v * m }' "$WORK/wrk.out")
	[ $rc = 0 ] && [ -z "$rps" ] && rc=97
	# wall and pages are chosen so that pages/wall is wrk's Requests/sec and
	# bytes/wall its Transfer/sec (headers included)
	row T3 wrk "$r" "$rc" 1 "${rps:-0}" "${mbs:-0}" "$(awk -v a="$tu" -v b="$ts" 'BEGIN { print a + b }')" \
		"$trss" - - - "$(grep -E 'requests in|Socket errors|Non-2xx' "$WORK/wrk.out" | tr -s ' ' | paste -sd';')"
	say "T3 run $r wrk: rc $rc, ${rps:-?} requests/s"
}

# --- 3. the runs -----------------------------------------------------------
if start_nginx; then
	say "nginx (pid $NG_PID, 1 worker) serves 127.0.0.1..$HOSTS:$PORT"
	# wget2 writes 20,000 files; on a slow disk that costs it more than the
	# crawl itself, so it also runs with its output on tmpfs, where there
	# is room (shardcrawl's one WARC file makes no such difference)
	SHM=""
	if [ -d /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt 1000000 ]; then
		SHM=$(mktemp -d /dev/shm/sc-bench.XXXXXX) || SHM=""
	fi
	for r in $(seq 1 "$RUNS"); do
		t1_sc 2 "$r"
		t1_wget2 "$r" wget2 "$WORK"
		[ -n "$SHM" ] && t1_wget2 "$r" "wget2 tmpfs" "$SHM"
		t1_sc 1 "$r"
		t1_sc 2 "$r" "shardcrawl -j 2 --extract" --extract data/extract/t1.yaml
		t1_sc 2 "$r" "shardcrawl -j 2 --no-requisites" --no-requisites
		# the same crawl without index.cdxj at its end (crawler/cdxj.h)
		t1_sc 2 "$r" "shardcrawl -j 2 --no-cdxj" --no-cdxj
	done

	skip T3 || say "T3: generating the URL lists"
	skip T3 || for n in 100000 1000000; do
		awk -v n=$n -v port="$PORT" -v h=$HOSTS \
			'BEGIN { for (i = 0; i < n; i++) printf "http://127.0.0.%d:%d/i/%d\n", i % h + 1, port, i }' \
			>"$WORK/list$n"
	done
	skip T3 || for r in $(seq 1 "$RUNS"); do
		t3_sc 100000 "$r" "$WORK/list100000" 100k
		t3_wrk "$r"
	done
	[ -n "$SHM" ] && rm -rf "$SHM" && SHM=""
	skip T3 || t3_sc 1000000 1 "$WORK/list1000000" 1M
	rm -f "$WORK"/list*
	grep -q -v -E '^\s*$' "$NG/error.log" 2>/dev/null &&
		note "nginx error.log: $(grep -c . "$NG/error.log") lines, e.g. $(head -n 1 "$NG/error.log")"
	stop_srv "$NG_PID"
	ITEM_BYTES=$(stat -c %s "$NG/site/item.json")
	rm -rf "$NG/site"
else
	note "nginx could not be started: T1, T3 and T4 were not run"
	row T1 "shardcrawl -j 2" 1 1 0 0 0 0 - - - - "nginx did not start"
fi

# T2: the project's test server with 100 ms per response
T2_HOSTS=8
T2_PAGES=5000   # 40,000 pages: ~16 s at 2,560/s, so ramp-up and tail weigh little
T2_EXPECT=""
TS_PID=""
tsout=$WORK/testsrv.port
setsid "$BUILD/testsrv" --port 0 --max-seconds 600 --hosts $T2_HOSTS --pages $T2_PAGES --links 26 \
	--latency-ms 100 >"$tsout" 2>"$WORK/testsrv.err" </dev/null &
TS_PID=$!
SRV_PIDS+=("$TS_PID")
TS_PORT=""
for _ in $(seq 1 100); do
	TS_PORT=$(awk '$1 == "port" { print $2 }' "$tsout" 2>/dev/null)
	[ -n "$TS_PORT" ] && break
	kill -0 "$TS_PID" 2>/dev/null || break
	sleep 0.05
done
if [ -n "$TS_PORT" ] && ! skip T2; then
	T2_EXPECT=$(timeout 60 "$BUILD/testsrv" --list --port "$TS_PORT" --hosts $T2_HOSTS --pages $T2_PAGES |
		sed '/^--forbidden/,$d' | wc -l)
	T2_ARGS=()
	for ((k = 0; k < T2_HOSTS; k++)); do
		T2_ARGS+=(--resolve "h$k.test:$TS_PORT:127.0.0.1" "http://h$k.test:$TS_PORT/")
	done
	for r in $(seq 1 "$RUNS"); do
		for cp in "256 32" "2000 250"; do
			set -- $cp
			out=$WORK/out-lat
			rm -rf "$out"
			settle
			wall=0 tu=0 ts=0 trss=0
			timed "$WORK/time" 120 "$SC" -j 2 -c "$1" --per-host "$2" --no-robots -q -o "$out" "${T2_ARGS[@]}"
			rc=$?
			# the test site serves 404s (/missing.html): 8 is the right exit
			# status here (the rows keep 0 for "as expected"), 0 is not
			if [ $rc = 8 ]; then rc=0; elif [ $rc = 0 ]; then rc=96; fi
			read -r wall tu ts trss <"$WORK/time"
			s=$out/stats.json
			pages=$(jnum "$s" pages)
			errs=$(jerrors "$s")
			[ $rc = 0 ] && [ ! -f "$s" ] && rc=99
			row T2 "shardcrawl -c $1" "$r" "$rc" "$wall" "$pages" "$(jnum "$s" bytes)" \
				"$(awk -v a="$(jnum "$s" coord_cpu_s)" -v b="$(jnum "$s" shards_cpu_s)" 'BEGIN { print a + b }')" \
				"$(jnum "$s" coord_max_rss_kb)" "$(jnum "$s" shard_max_rss_kb)" "$(jnum "$s" coord_cpu_s)" "$errs" \
				"expected $T2_EXPECT URLs; failed=$(jnum "$s" failed) not_crawled=$(jnum "$s" not_crawled) wall_s=$(jnum "$s" wall_s)"
			say "T2 run $r -c $1: rc $rc, $wall s, $pages pages (expected $T2_EXPECT), errors $errs"
			[ "$errs" = 0 ] || note "T2 -c $1 run $r: $errs errors in stats.json"
			[ "$pages" = "$T2_EXPECT" ] || note "T2 -c $1 run $r: $pages pages, expected $T2_EXPECT"
			rm -rf "$out"
		done
	done
	[ -s "$WORK/testsrv.err" ] && note "testsrv stderr: $(head -n 3 "$WORK/testsrv.err" | tr '\n' ' ')"
elif ! skip T2; then
	note "testsrv did not start: $(head -n 3 "$WORK/testsrv.err" | tr '\n' ' ')"
fi
stop_srv "$TS_PID"

# T5: the seen set at ten million URLs
SEEN_LINE="(not run)"
if [ -x "$BD/seenbench" ]; then
	bg_wait timeout 300 "$BD/seenbench" 10000000 >"$WORK/seen.out" 2>&1 || note "seenbench failed (status $?)"
	SEEN_LINE=$(tail -n 1 "$WORK/seen.out")
	say "T5: $SEEN_LINE"
fi

# gzbench on one T1 WARC file
GZ_OUT="(not run: no WARC file from T1)"
if [ -n "$GZ_WARC" ] && [ -x "$BD/gzbench" ]; then
	say "gzbench on a T1 WARC file (takes a minute or two)"
	bg_wait timeout 300 "$BD/gzbench" "$GZ_WARC" >"$WORK/gz.out" 2>&1 || note "gzbench failed or timed out (status $?)"
	GZ_OUT=$(cat "$WORK/gz.out")
fi
rm -f "$GZ_WARC"

# the cost of extraction on a realistic listing and article page
EX_OUT="(not run)"
if [ -x "$BD/extractbench" ]; then
	say "extractbench: the cost of extraction per page"
	EX_OUT=$(for k in 1 2 3; do
		"$BD/extractbench" data/extract/bench.yaml data/extract/bench/listing.html \
			'https://shop.example/c/kitchen?page=2' 500 | sed 's/^/listing: /'
		"$BD/extractbench" data/extract/bench.yaml data/extract/bench/article.html \
			'https://news.example/news/2026/12/river' 500 | sed 's/^/article: /'
	done)
	echo "$EX_OUT"
fi

# --- 4. the table ----------------------------------------------------------
fmt() { awk -v v="$1" -v f="$2" 'BEGIN { if (v == "n/a" || v == "") print "n/a"; else printf f, v }'; }
ratio() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf f, a / b }'; }

PPS='$6 / $5'
MBS='$7 / $5 / 1e6'
tline() { # shown-target target tool label ratio-text
	local show=$1 pps mbs cpu ra rb rss
	shift
	pps=$(agg "$1" "$2" "$PPS" med)
	mbs=$(agg "$1" "$2" "$MBS" med)
	cpu=$(agg "$1" "$2" '$8' med)
	ra=$(agg "$1" "$2" '$9' max)
	rb=$(agg "$1" "$2" '$10 == "-" ? 0 : $10' max)
	case $2 in shardcrawl*) rss="coord $(fmt "$ra" '%.0f') KB, shard $(fmt "$rb" '%.0f') KB" ;;
	*) rss="$(fmt "$ra" '%.0f') KB" ;;
	esac
	echo "| $show | $3 | $(fmt "$pps" '%.0f') | $(fmt "$mbs" '%.1f') | $(fmt "$cpu" '%.2f') | $rss | $4 | $(okruns "$1" "$2") |"
}

sc2=$(agg T1 "shardcrawl -j 2" "$PPS" med)
sc1=$(agg T1 "shardcrawl -j 1" "$PPS" med)
scx=$(agg T1 "shardcrawl -j 2 --extract" "$PPS" med)
scxcpu=$(agg T1 "shardcrawl -j 2 --extract" '$8' med)
sc2nr=$(agg T1 "shardcrawl -j 2 --no-requisites" "$PPS" med)
sc2nrcpu=$(agg T1 "shardcrawl -j 2 --no-requisites" '$8' med)
scnx=$(agg T1 "shardcrawl -j 2 --no-cdxj" "$PPS" med)
wg=$(agg T1 wget2 "$PPS" med)
wgs=$(agg T1 "wget2 tmpfs" "$PPS" med)
wgscpu=$(agg T1 "wget2 tmpfs" '$8' med)
oncews=$(grep -c $'^T1\twget2 tmpfs\t.*(every page exactly once)' "$RAW")
sc2cpu=$(agg T1 "shardcrawl -j 2" '$8' med)
wgcpu=$(agg T1 wget2 '$8' med)
share2=$(agg T1 "shardcrawl -j 2" '$11 / $8' med)
share1=$(agg T1 "shardcrawl -j 1" '$11 / $8' med)
once2=$(grep -c $'^T1\tshardcrawl -j 2\t.*(every page exactly once)' "$RAW")
oncew=$(grep -c $'^T1\twget2\t.*(every page exactly once)' "$RAW")
w100=$(agg T3 wrk "$PPS" med)
b100=$(agg T3 "shardcrawl 100k" "$PPS" med)
b1m=$(agg T3 "shardcrawl 1M" "$PPS" med)
t2a=$(agg T2 "shardcrawl -c 256" "$PPS" med)
t2b=$(agg T2 "shardcrawl -c 2000" "$PPS" med)
t2erra=$(agg T2 "shardcrawl -c 256" '$12' max)
t2errb=$(agg T2 "shardcrawl -c 2000" '$12' max)
bpu=$(echo "$SEEN_LINE" | sed -n 's/.*bytes_per_url=\([0-9.]*\).*/\1/p')
srss=$(echo "$SEEN_LINE" | sed -n 's/.*max_rss_kb=\([0-9]*\).*/\1/p')
sns=$(echo "$SEEN_LINE" | sed -n 's/.*ns_per_add=\([0-9.]*\).*/\1/p')

TABLE=$(
	echo "| target | tool | pages/s (req/s) | MB/s | CPU s | peak RSS per process | ratio to peer / ideal | good runs |"
	echo "|---|---|---|---|---|---|---|---|"
	tline T1 T1 "shardcrawl -j 2" "shardcrawl -j 2 -c 64 --per-host 8" \
		"$(ratio "$sc2" "$wg" '%.2fx') wget2 pages/s, $(ratio "$sc2cpu" "$wgcpu" '%.2fx') its CPU; all pages exactly once in $once2/$RUNS runs"
	tline T1 T1 "shardcrawl -j 2 --no-requisites" "shardcrawl -j 2, --no-requisites" \
		"requisites on = $(ratio "$sc2" "$sc2nr" '%.2fx') these pages/s, $(ratio "$sc2cpu" "$sc2nrcpu" '%.2fx') this CPU (the T1 pages embed none: the cost of looking)"
	tline T1 T1 wget2 "wget2 --max-threads=64" "all pages exactly once in $oncew/$RUNS runs"
	[ "$(okruns T1 "wget2 tmpfs")" != 0/0 ] &&
		tline T1 T1 "wget2 tmpfs" "wget2, its files on tmpfs" \
			"shardcrawl -j 2 = $(ratio "$sc2" "$wgs" '%.2fx') this pages/s, $(ratio "$sc2cpu" "$wgscpu" '%.2fx') its CPU; all pages exactly once in $oncews/$RUNS runs"
	tline T1 T1 "shardcrawl -j 2 --extract" "shardcrawl -j 2 ... --extract data/extract/t1.yaml" \
		"$(ratio "$scx" "$sc2" '%.2fx') the pages/s without extraction, $(ratio "$scxcpu" "$sc2cpu" '%.2fx') its CPU"
	tline T1 T1 "shardcrawl -j 2 --no-cdxj" "shardcrawl -j 2, no index.cdxj" \
		"with the index = $(ratio "$sc2" "$scnx" '%.3fx') these pages/s"
	tline T4 T1 "shardcrawl -j 1" "shardcrawl -j 1 (same crawl)" \
		"-j2/-j1 = $(ratio "$sc2" "$sc1" '%.2fx'); coordinator CPU share $(fmt "$share1" '%.3f') (-j1), $(fmt "$share2" '%.3f') (-j2)"
	tline T2 T2 "shardcrawl -c 256" "shardcrawl -c 256 --per-host 32, 100 ms" \
		"$(ratio "$t2a" 2560 '%.2f') of ideal 2560/s; errors $(fmt "$t2erra" '%d')"
	tline T2 T2 "shardcrawl -c 2000" "shardcrawl -c 2000 --per-host 250, 100 ms" \
		"$(ratio "$t2b" 20000 '%.2f') of ideal 20000/s; errors $(fmt "$t2errb" '%d')"
	tline T3 T3 "shardcrawl 100k" "shardcrawl --urls 100k (1 KB JSON)" "$(ratio "$b100" "$w100" '%.2fx') wrk"
	tline T3 T3 "shardcrawl 1M" "shardcrawl --urls 1M (1 run)" "$(ratio "$b1m" "$w100" '%.2fx') wrk"
	tline T3 T3 wrk "wrk -t 2 -c 64 -d 10s (MB/s with headers)" "peer"
	echo "| T5 | seenbench, 10M URLs | $(fmt "$sns" '%.0f') ns/add | | | $(fmt "$srss" '%.0f') KB | $(fmt "$bpu" '%.2f') bytes/URL (target <= 16) | $([ -n "$bpu" ] && echo 1/1 || echo 0/1) |"
)
T_END=$(date +%s)

{
	echo "# shardcrawl benchmark"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -r), $RUNS runs per target (medians), total $((T_END - T_START)) s,"
	echo "load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (other work on the machine skews the figures)."
	echo "$("$SC" --version 2>&1 | head -n 1 | awk '{ print $1, $2, $3 }')); $("$NGINX" -v 2>&1) (1 worker);"
	echo "$(wget2 --version 2>/dev/null | head -n 1); $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)."
	echo
	echo "T1/T4: $PAGES pages (~15 KB) on 127.0.0.1..$HOSTS from nginx, WARC output on; pages and MB from"
	echo "nginx's access log, wall from GNU time; shardcrawl CPU and RSS from stats.json, the peers' from GNU time."
	echo "T2: testsrv --latency-ms 100, $T2_HOSTS hosts x $T2_PAGES pages, --links 26 ($T2_EXPECT URLs)."
	echo "T3: every /i/N is answered by nginx with one $ITEM_BYTES-byte JSON file; WARC output on."
	echo
	echo "$TABLE"
	echo
	if [ ${#NOTES[@]} -gt 0 ]; then
		echo "Notes:"
		printf -- '- %s\n' "${NOTES[@]}"
		echo
	fi
	echo "## Raw runs"
	echo
	echo "| target | tool | run | rc | wall s | pages | bytes | CPU s | RSS a KB | RSS b KB | coord CPU s | errors | note |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	awk -F'\t' '{ printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; printf "\n" }' "$RAW"
	echo
	echo "(T3 wrk rows: pages = Requests/sec and bytes = Transfer/sec over a wall of 1.)"
	echo
	echo "## T5 seenbench"
	echo
	echo '```'
	echo "$SEEN_LINE"
	echo '```'
	echo
	echo "## extractbench (data/extract/bench.yaml over data/extract/bench/)"
	echo
	echo '```'
	echo "$EX_OUT"
	echo '```'
	echo
	echo "## gzbench on a T1 WARC file"
	echo
	echo '```'
	echo "$GZ_OUT"
	echo '```'
} >"$BD/results.md"

echo
echo "$TABLE"
echo
[ ${#NOTES[@]} -gt 0 ] && printf 'note: %s\n' "${NOTES[@]}"
echo "bench: total $((T_END - T_START)) s; table, raw runs and gzbench in $BD/results.md"
exit 0
