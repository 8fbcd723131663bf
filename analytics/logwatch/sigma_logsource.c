/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/sigma_logsource.c — a rule's `logsource` turned into a
 * predicate on events, the way Sigma's Windows and Sysmon pipelines map
 * them: a category is a Sysmon event id in the Sysmon channel (process
 * creation also Security 4688), a service is an event log channel; Linux
 * categories come from Sysmon for Linux, Linux services from syslog
 * programs, auditd from audit records (events with a `type` field).
 *
 * Contract: sg_ls_resolve() returns the same index for the same
 * (product, category, service); an unknown combination is unsupported
 * (return 1, reason in msg) so no rule runs against events it was not
 * written for. Invariant: every table string is lower-case.
 */
#include "analytics/logwatch/sigma_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SYSMON "microsoft-windows-sysmon/operational"

static const struct {
  const char *category, *eids;
} win_cat[] = {
    {"process_creation", "1"},     {"file_change", "2"},
    {"network_connection", "3"},   {"sysmon_status", "4,16"},
    {"process_termination", "5"},  {"driver_load", "6"},
    {"image_load", "7"},           {"create_remote_thread", "8"},
    {"raw_access_thread", "9"},    {"process_access", "10"},
    {"file_event", "11"},          {"registry_add", "12"},
    {"registry_delete", "12"},     {"registry_event", "12,13,14"},
    {"registry_set", "13"},        {"registry_rename", "14"},
    {"create_stream_hash", "15"},  {"pipe_created", "17,18"},
    {"wmi_event", "19,20,21"},     {"dns_query", "22"},
    {"file_delete", "23,26"},      {"clipboard_capture", "24"},
    {"process_tampering", "25"},   {"file_delete_detected", "26"},
    {"file_block_executable", "27"}, {"file_block_shredding", "28"},
    {"file_executable_detected", "29"}, {"sysmon_error", "255"},
};

static const struct {
  const char *category, *channel, *eids;
} win_other[] = {
    {"ps_script", "microsoft-windows-powershell/operational", "4104"},
    {"ps_module", "microsoft-windows-powershell/operational", "4103"},
    {"ps_classic_start", "windows powershell", "400"},
    {"ps_classic_provider_start", "windows powershell", "600"},
    {"ps_classic_script", "windows powershell", "800"},
};

static const struct {
  const char *service, *channel;
} win_svc[] = {
    {"security", "security"},
    {"system", "system"},
    {"application", "application"},
    {"sysmon", SYSMON},
    {"powershell", "microsoft-windows-powershell/operational"},
    {"powershell-classic", "windows powershell"},
    {"taskscheduler", "microsoft-windows-taskscheduler/operational"},
    {"wmi", "microsoft-windows-wmi-activity/operational"},
    {"windefend", "microsoft-windows-windows defender/operational"},
    {"dns-server", "dns server"},
    {"dns-server-analytic", "microsoft-windows-dns-server/analytical"},
    {"dns-client", "microsoft-windows-dns client events/operational"},
    {"driver-framework", "microsoft-windows-driverframeworks-usermode/operational"},
    {"ntlm", "microsoft-windows-ntlm/operational"},
    {"bits-client", "microsoft-windows-bits-client/operational"},
    {"codeintegrity-operational", "microsoft-windows-codeintegrity/operational"},
    {"firewall-as", "microsoft-windows-windows firewall with advanced security/firewall"},
    {"msexchange-management", "msexchange management"},
    {"appxdeployment-server", "microsoft-windows-appxdeploymentserver/operational"},
    {"appxpackaging-om", "microsoft-windows-appxpackaging/operational"},
    {"appmodel-runtime", "microsoft-windows-appmodel-runtime/admin"},
    {"security-mitigations", "microsoft-windows-security-mitigations/kernel mode"},
    {"smbclient-connectivity", "microsoft-windows-smbclient/connectivity"},
    {"smbclient-security", "microsoft-windows-smbclient/security"},
    {"iis-configuration", "microsoft-iis-configuration/operational"},
    {"terminalservices-localsessionmanager",
     "microsoft-windows-terminalservices-localsessionmanager/operational"},
    {"openssh", "openssh/operational"},
    {"printservice-admin", "microsoft-windows-printservice/admin"},
    {"printservice-operational", "microsoft-windows-printservice/operational"},
    {"ldap", "microsoft-windows-ldap-client/debug"},
    {"diagnosis-scripted", "microsoft-windows-diagnosis-scripted/operational"},
    {"shell-core", "microsoft-windows-shell-core/operational"},
    {"capi2", "microsoft-windows-capi2/operational"},
    {"certificateservicesclient-lifecycle-system",
     "microsoft-windows-certificateservicesclient-lifecycle-system/operational"},
    {"lsa-server", "microsoft-windows-lsa/operational"},
    {"vhdmp", "microsoft-windows-vhdmp-operational"},
    {"bitlocker", "microsoft-windows-bitlocker/bitlocker management"},
    {"hyper-v-worker", "microsoft-windows-hyper-v-worker"},
    {"kernel-shimengine", "microsoft-windows-kernel-shimengine/operational"},
    {"sysmon-operational", SYSMON},
    {"applocker", "microsoft-windows-applocker/exe and dll"},
    {"microsoft-servicebus-client", "microsoft-servicebus-client"},
    {"file-share", "microsoft-windows-smbserver/security"},
    {"smbserver-connectivity", "microsoft-windows-smbserver/connectivity"},
    {"dhcp", "microsoft-windows-dhcp-server/operational"},
    {"rdp", "microsoft-windows-remotedesktopservices-rdpcorets/operational"},
};

static const struct {
  const char *service, *programs;
} lin_svc[] = {
    {"sshd", "sshd"},          {"sudo", "sudo"},
    {"cron", "cron,crond"},    {"vsftpd", "vsftpd"},
    {"clamav", "clamd,freshclam,clamscan"},
    {"auth", "sshd,sudo,su,login,passwd,systemd-logind,useradd,usermod,groupadd"},
    {"guacamole", "guacd,guacamole"},
    {"modsecurity", "modsecurity"},
};

static int push_ls(lw_sigma *s, const char *key, sg_ls *l, int *idx) {
  for (size_t i = 0; i < s->nls; i++)
    if (!strcmp(s->ls[i].key, key)) {
      *idx = (int)i;
      return 0;
    }
  if (s->nls == s->lscap) {
    size_t c = s->lscap ? s->lscap * 2 : 32;
    sg_ls *q = realloc(s->ls, c * sizeof *q);
    if (!q) return LOTSE_ENOMEM;
    s->ls = q, s->lscap = c;
  }
  l->key = lotse_strdup(key);
  if (!l->key) return LOTSE_ENOMEM;
  s->ls[s->nls] = *l;
  *idx = (int)s->nls++;
  return 0;
}

static int resolve_windows(const char *cat, const char *svc, sg_ls *l) {
  if (!cat && !svc) {
    l->kind = SG_LS_WIN_ANY;
    return 0;
  }
  l->kind = SG_LS_WIN;
  if (cat) {
    for (size_t i = 0; i < sizeof win_cat / sizeof *win_cat; i++)
      if (!strcmp(cat, win_cat[i].category)) {
        l->channel = SYSMON, l->eids = win_cat[i].eids;
        if (!strcmp(cat, "process_creation"))
          l->alt_channel = "security", l->alt_eids = "4688";
        /* Sysmon 12 is both: the event type tells (as Sigma's pipeline) */
        if (!strcmp(cat, "registry_add")) l->eventtypes = "createkey";
        if (!strcmp(cat, "registry_delete")) l->eventtypes = "deletekey,deletevalue";
        return 0;
      }
    for (size_t i = 0; i < sizeof win_other / sizeof *win_other; i++)
      if (!strcmp(cat, win_other[i].category)) {
        l->channel = win_other[i].channel, l->eids = win_other[i].eids;
        return 0;
      }
    return 1;
  }
  for (size_t i = 0; i < sizeof win_svc / sizeof *win_svc; i++)
    if (!strcmp(svc, win_svc[i].service)) {
      l->channel = win_svc[i].channel;
      return 0;
    }
  return 1;
}

static int resolve_linux(const char *cat, const char *svc, sg_ls *l) {
  if (cat) {
    static const char *const c[][2] = {{"process_creation", "1"},
                                       {"network_connection", "3"},
                                       {"file_event", "11"},
                                       {"file_create", "11"}};
    for (size_t i = 0; i < 4; i++)
      if (!strcmp(cat, c[i][0])) {
        l->kind = SG_LS_LINUX_SYSMON;
        l->channel = "linux-sysmon/operational", l->eids = c[i][1];
        return svc ? 1 : 0;
      }
    return 1;
  }
  if (!svc || !strcmp(svc, "syslog")) {
    l->kind = SG_LS_LINUX_ANY;
    return 0;
  }
  if (!strcmp(svc, "auditd")) {
    l->kind = SG_LS_LINUX_AUDIT;
    return 0;
  }
  for (size_t i = 0; i < sizeof lin_svc / sizeof *lin_svc; i++)
    if (!strcmp(svc, lin_svc[i].service)) {
      l->kind = SG_LS_LINUX_PROG, l->programs = lin_svc[i].programs;
      return 0;
    }
  return 1;
}

int sg_ls_resolve(lw_sigma *s, const char *product, const char *category,
                  const char *service, int *idx, char *msg, size_t msgcap) {
  sg_ls l;
  memset(&l, 0, sizeof l);
  int rc = 1;
  if (product && !strcasecmp(product, "windows"))
    rc = resolve_windows(category, service, &l);
  else if (product && !strcasecmp(product, "linux"))
    rc = resolve_linux(category, service, &l);
  if (rc) {
    snprintf(msg, msgcap, "log source not supported: product %s, category %s, service %s",
             product ? product : "-", category ? category : "-",
             service ? service : "-");
    return 1;
  }
  char key[256];
  snprintf(key, sizeof key, "%s/%s/%s", product, category ? category : "",
           service ? service : "");
  return push_ls(s, key, &l, idx);
}

/* ---------------------------------------------------------- evaluation */

static int in_list(const char *list, const char *v, size_t n) {
  if (!v) return 0;
  for (const char *p = list; *p;) {
    const char *e = strchr(p, ',');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    if (l == n && memcmp(p, v, n) == 0) return 1;
    if (!e) break;
    p = e + 1;
  }
  return 0;
}

static int source_ok(const char *chan, size_t cn, const char *eid, size_t en,
                     const char *want_chan, const char *want_eids) {
  if (!chan || cn != strlen(want_chan) || memcmp(chan, want_chan, cn) != 0)
    return 0;
  return !want_eids || in_list(want_eids, eid, en);
}

void sg_ls_eval(const lw_sigma *s, const sg_evview *ev, uint8_t *active) {
  size_t cn = 0, en = 0, pn = 0, tn = 0;
  const char *chan = NULL, *eid = NULL, *prog = NULL, *type = NULL;
  sg_ev_value(ev, s->f_channel, &chan, &cn);
  sg_ev_value(ev, s->f_eventid, &eid, &en);
  sg_ev_value(ev, s->f_program, &prog, &pn);
  sg_ev_value(ev, s->f_type, &type, &tn);
  size_t etn = 0;
  const char *et = NULL;
  sg_ev_value(ev, s->f_eventtype, &et, &etn);
  int windows = chan && cn > 0;
  int linux_sysmon = windows && cn == 24 && !memcmp(chan, "linux-sysmon/operational", 24);
  if (linux_sysmon) windows = 0;
  for (size_t i = 0; i < s->nls; i++) {
    const sg_ls *l = &s->ls[i];
    int ok = 0;
    switch (l->kind) {
    case SG_LS_WIN_ANY: ok = windows; break;
    case SG_LS_WIN:
      ok = windows && (source_ok(chan, cn, eid, en, l->channel, l->eids) ||
                       (l->alt_channel &&
                        source_ok(chan, cn, eid, en, l->alt_channel, l->alt_eids)));
      if (ok && l->eventtypes) ok = in_list(l->eventtypes, et, etn);
      break;
    case SG_LS_LINUX_SYSMON:
      ok = linux_sysmon && in_list(l->eids, eid, en);
      break;
    case SG_LS_LINUX_ANY: ok = !windows; break;
    case SG_LS_LINUX_AUDIT: ok = !windows && !linux_sysmon && type != NULL; break;
    case SG_LS_LINUX_PROG:
      ok = !windows && !linux_sysmon && prog && in_list(l->programs, prog, pn);
      break;
    default: break;
    }
    active[i] = (uint8_t)ok;
  }
}
