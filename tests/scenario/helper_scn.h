/*
 * What the scenario tests that run anylab share: a shell helper, the skip
 * checks (root, ctest's environment, binaries built), a test's lab name and
 * scratch directory, their removal, running a command for its output,
 * running a scenario, and reading and asserting on its results document.
 */
#ifndef ANYLAB_TEST_HELPER_SCN_H
#define ANYLAB_TEST_HELPER_SCN_H

#include <stddef.h>
#include <cJSON.h>

/* system() of a formatted command line; its status. */
int hs_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Skip the test (cr_skip_test) unless root under ctest with BUILD/bin/anylab
 * and BUILD/bin/DAEMON built for each daemon named (NULL-terminated). The
 * anylab binary's path goes into bin.
 */
void hs_require(char *bin, size_t len, const char *daemon, ...) __attribute__((sentinel));
/*
 * The lab name TAG + pid digits (a valid lab name; prefixed with
 * $ANYLAB_TEST_LAB_PREFIX, up to 3 characters, when set, so that parallel
 * runs keep apart) and a fresh /tmp/anylab-root-WHAT-PID.
 */
void hs_lab_dir(const char *tag, const char *what, char *lab, size_t lablen, char *dir,
    size_t dirlen);
/* `anylab down LAB` when its record is still there (a run that died), then rm -rf dir. */
void hs_cleanup(const char *bin, const char *lab, const char *dir);
/* Run cmd; its whole standard output (caller frees) and its wait status. */
char *hs_output(const char *cmd, int *status);
/* Member k of a results object; the test fails when it is absent. */
const cJSON *hs_get(const cJSON *o, const char *k);
/* Write doc, printed, into path (the test fails when it cannot) and delete it. */
void hs_write_json(const char *path, cJSON *doc);
/*
 * The longest any probe of a run's results was held up past its schedule
 * (ms): a few ms normally; seconds when the machine did not run the probes
 * (a busy or paused virtual machine), and then the run measured the machine,
 * not the lab.
 */
double hs_probe_stall_ms(const cJSON *results);
#define HS_STALL_MS 500.0
/*
 * Run cmd (an `anylab run ... --json`) for its results document (caller
 * deletes; the test fails without one) and wait status; once more, after
 * taking LAB down if it is still up, when a probe was held up HS_STALL_MS or
 * more (said on standard error). A behaviour that is broken fails both.
 */
cJSON *hs_run_cmd(const char *cmd, const char *bin, const char *lab, int *status);
/*
 * `BIN run TOPO --scenario S --name LAB --json --out DIR EXTRA` through
 * hs_run_cmd: its results document and wait status.
 */
cJSON *hs_run(const char *bin, const char *topo, const char *scenario, const char *lab,
    const char *dir, const char *extra, int *status);
/*
 * Every step of a run held ("pass", or "done" for an action), the run passed and
 * exited 0; what names the run in the messages.
 */
void hs_assert_held(const cJSON *results, int status, const char *what);
/* Step i of a results document, and a string field of a JSON object ("" when absent). */
const cJSON *hs_step(const cJSON *results, int i);
const char *hs_field(const cJSON *obj, const char *key);

#endif
