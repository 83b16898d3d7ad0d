/* hf-sim-replies.c
 * SPDX-License-Identifier: MIT
 *
 * Replies are written as text, the way the firmware writes them (string
 * numbers where bmminer uses them, btminer's "Msg" shape, Avalon's MM
 * string), not generated from a schema: the point is to be as odd as the
 * real devices.
 */
#include <math.h>
#include <string.h>

#include "hf-sim-physics.h"
#include "hf-sim-replies.h"
#include "hf-sim-vnish.h"
#include "hf-sim-settings.h"
#include "hf-whatsminer-crypto.h"

#define V(base, amp) sim_miner_value (fleet, miner, (base), (amp))

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
status_json (const char *status,
             int         code,
             const char *msg,
             const char *description)
{
  return g_strdup_printf ("\"STATUS\":[{\"STATUS\":\"%s\",\"When\":%" G_GINT64_FORMAT
                          ",\"Code\":%d,\"Msg\":\"%s\",\"Description\":\"%s\"}]",
                          status, now_s (), code, msg, description);
}

static char *
error_reply (int         code,
             const char *msg,
             const char *description)
{
  g_autofree char *status = status_json ("E", code, msg, description);
  return g_strdup_printf ("{%s,\"id\":1}", status);
}

static double
shares (SimMiner *miner)
{
  if (miner->no_shares)
    return 100;
  return floor (sim_miner_uptime (miner) / 12.0) + 100;
}

/* The pool difficulty the miner reports: the pool-difficulty= key's, else
 * @usual. */
static double
pool_difficulty (SimMiner *miner,
                 double    usual)
{
  return isnan (miner->pool_difficulty) ? usual : miner->pool_difficulty;
}

/* Current AxeOS (2.15): every field its OpenAPI SystemInfo schema requires,
 * with the schema's types (tests/axeos-schema checks it). */
#define ADD_NUM(key, value) \
  (json_builder_set_member_name (b, key), json_builder_add_double_value (b, (value)))
#define ADD_INT(key, value) \
  (json_builder_set_member_name (b, key), json_builder_add_int_value (b, (value)))
#define ADD_STR(key, value) \
  (json_builder_set_member_name (b, key), json_builder_add_string_value (b, (value)))
#define ADD_BOOL(key, value) \
  (json_builder_set_member_name (b, key), json_builder_add_boolean_value (b, (value)))

static char *
axeos_current_info (SimFleet *fleet,
                    SimMiner *miner,
                    double    hashrate,
                    double    up)
{
  const SimProfile *p = miner->profile;
  gboolean ultra = p->id == SIM_AXEOS_ULTRA;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *user = g_strdup_printf ("bc1qexample.%s", miner->hostname);
  double power = V (p->power_w, 0.02);

  json_builder_begin_object (b);
  ADD_STR ("ASICModel", ultra ? "BM1366" : "BM1370");
  ADD_NUM ("apEnabled", 0);
  ADD_NUM ("autofanspeed", 1);
  ADD_NUM ("bestDiff", 123456789);
  ADD_NUM ("bestSessionDiff", 2345678);
  ADD_STR ("boardVersion", ultra ? "204" : "601");
  ADD_NUM ("coreVoltage", 1150);
  ADD_NUM ("coreVoltageActual", 1147);
  ADD_NUM ("current", power / 5.1 * 1000);
  ADD_STR ("display", "SSD1306 (128x32)");
  ADD_BOOL ("fallbackStratumExtranonceSubscribe", FALSE);
  ADD_NUM ("fallbackStratumPort", 3334);
  ADD_NUM ("fallbackStratumSuggestedDifficulty", 1000);
  ADD_STR ("fallbackStratumURL", "backup.example.org");
  ADD_STR ("fallbackStratumUser", user);
  ADD_BOOL ("fallbackStratumTLS", FALSE);
  ADD_STR ("fallbackStratumCert", "");
  ADD_BOOL ("fallbackStratumDecodeCoinbase", FALSE);
  ADD_NUM ("fanrpm", V (p->fan_rpm, 0.01));
  ADD_NUM ("fan2rpm", 0);
  ADD_NUM ("fanspeed", p->fan_percent);
  ADD_NUM ("temptarget", 60);
  ADD_NUM ("rotation", 0);
  ADD_NUM ("cpuUsage", 23);
  ADD_NUM ("freeHeap", 8000000);
  ADD_NUM ("freeHeapInternal", 120000);
  ADD_NUM ("freeHeapSpiram", 7880000);
  ADD_NUM ("minFreeHeap", 7500000);
  ADD_NUM ("maxAllocHeap", 4000000);
  ADD_NUM ("frequency", p->frequency);
  ADD_NUM ("actualFrequency", p->frequency - 0.5);
  ADD_NUM ("hashRate", hashrate);
  ADD_NUM ("hashRate_1m", hashrate);
  ADD_NUM ("hashRate_10m", hashrate);
  ADD_NUM ("hashRate_1h", hashrate);
  ADD_NUM ("expectedHashrate", p->expected_ghs);
  ADD_NUM ("errorPercentage", 0.3);
  ADD_STR ("hostname", miner->hostname);
  ADD_STR ("idfVersion", "v5.4.1");
  ADD_NUM ("invertscreen", 0);
  ADD_NUM ("isPSRAMAvailable", 1);
  ADD_NUM ("isUsingFallbackStratum", 0);
  ADD_STR ("macAddr", miner->mac);
  ADD_INT ("manualFanSpeed", 100);
  ADD_INT ("maxPower", ultra ? 25 : 40);
  ADD_INT ("minFanSpeed", 25);
  ADD_INT ("nominalVoltage", 5);
  ADD_NUM ("overheat_mode", 0);
  ADD_INT ("overclockEnabled", 0);
  ADD_INT ("primaryPoolIndex", 0);
  ADD_INT ("secondaryPoolIndex", 1);
  json_builder_set_member_name (b, "pools");
  json_builder_begin_array (b);
  for (guint i = 0; i < 2; i++)
    {
      json_builder_begin_object (b);
      ADD_INT ("id", i);
      ADD_STR ("stratumProtocol", "SV1");
      ADD_STR ("stratumURL", i == 0 ? "pool.example.org" : "backup.example.org");
      ADD_INT ("stratumPort", i == 0 ? 3333 : 3334);
      ADD_STR ("stratumUser", user);
      ADD_STR ("stratumPassword", "*****");
      ADD_BOOL ("stratumExtranonceSubscribe", FALSE);
      ADD_INT ("stratumTLS", 0);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  ADD_STR ("poolConnectionInfo", "Connected");
  ADD_NUM ("poolDifficulty", pool_difficulty (miner, 4096));
  ADD_NUM ("power", power);
  ADD_STR ("resetReason", "Software reset");
  ADD_NUM ("responseTime", 31.5);
  ADD_STR ("runningPartition", "ota_0");
  ADD_NUM ("sharesAccepted", shares (miner));
  ADD_NUM ("sharesRejected", 1);
  json_builder_set_member_name (b, "sharesRejectedReasons");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  ADD_STR ("message", "Above target");
  ADD_INT ("count", 1);
  json_builder_end_object (b);
  json_builder_end_array (b);
  ADD_NUM ("smallCoreCount", ultra ? 894 : 2040);
  ADD_STR ("ssid", "lab");
  ADD_STR ("ipv4", miner->ip);
  ADD_STR ("ipv6", "");
  ADD_BOOL ("stratumExtranonceSubscribe", FALSE);
  ADD_NUM ("stratumPort", 3333);
  ADD_STR ("stratumProtocol", "SV1");
  ADD_STR ("stratumV2AuthorityPubkey", "");
  ADD_NUM ("stratumSuggestedDifficulty", 1000);
  ADD_STR ("stratumURL", "pool.example.org");
  ADD_STR ("stratumUser", user);
  ADD_BOOL ("stratumTLS", FALSE);
  ADD_STR ("stratumCert", "");
  ADD_BOOL ("stratumDecodeCoinbase", FALSE);
  ADD_NUM ("temp", V (p->chip_temp, 0.02));
  ADD_NUM ("temp2", -1);
  ADD_NUM ("uptimeSeconds", up);
  ADD_STR ("version", "v2.15.0");
  ADD_STR ("axeOSVersion", "v2.15.0");
  ADD_NUM ("voltage", 5100);
  ADD_NUM ("vrTemp", p->board_temp);
  ADD_STR ("wifiStatus", "Connected!");
  ADD_NUM ("wifiRSSI", -55);
  ADD_NUM ("displayTimeout", -1);
  ADD_NUM ("statsFrequency", 0);
  ADD_INT ("blockHeight", 925000);
  ADD_STR ("scriptsig", "");
  ADD_NUM ("networkDifficulty", 1.5e14);
  json_builder_set_member_name (b, "blockSignals");
  json_builder_begin_array (b);
  json_builder_end_array (b);
  ADD_NUM ("blockFound", 0);
  ADD_INT ("coinbaseValueTotalSatoshis", 312500000);
  ADD_INT ("coinbaseValueUserSatoshis", 0);
  ADD_BOOL ("miningPaused", FALSE);
  ADD_INT ("statsLimit", 360);
  json_builder_set_member_name (b, "partitions");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  ADD_STR ("label", "ota_0");
  ADD_STR ("version", "v2.15.0");
  ADD_BOOL ("isCurrent", TRUE);
  ADD_BOOL ("isFactory", FALSE);
  json_builder_end_object (b);
  json_builder_end_array (b);
  ADD_INT ("useCustomWWW", 0);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* ---- AxeOS / NerdOS ---------------------------------------------------- */

char *
sim_axeos_info (SimFleet *fleet,
                SimMiner *miner)
{
  const SimProfile *p = miner->profile;
  double hashrate = V (sim_miner_base_hashrate (miner), 0.03);
  double up = sim_miner_uptime (miner);

  switch (p->id)
    {
    case SIM_AXEOS_SUPRA_OLD:
      /* AxeOS 2.4: no expectedHashrate, bestDiff as a suffixed string. */
      return g_strdup_printf (
        "{\"power\":%.3f,\"voltage\":5175,\"current\":%.2f,\"temp\":%.2f,\"vrTemp\":%.0f,"
        "\"hashRate\":%.3f,\"bestDiff\":\"483k\",\"bestSessionDiff\":\"12.5k\","
        "\"stratumDiff\":%.0f,\"isUsingFallbackStratum\":0,\"freeHeap\":8443612,"
        "\"coreVoltage\":1166,\"coreVoltageActual\":1172,\"frequency\":%.0f,\"ssid\":\"lab\","
        "\"macAddr\":\"%s\",\"hostname\":\"%s\",\"wifiStatus\":\"Connected!\","
        "\"sharesAccepted\":%.0f,\"sharesRejected\":2,\"uptimeSeconds\":%.0f,\"asicCount\":1,"
        "\"smallCoreCount\":1276,\"ASICModel\":\"BM1368\",\"stratumURL\":\"pool.example.org\","
        "\"fallbackStratumURL\":\"backup.example.org\",\"stratumPort\":3333,"
        "\"fallbackStratumPort\":3334,\"stratumUser\":\"bc1qexample.%s\","
        "\"fallbackStratumUser\":\"bc1qexample.%s\",\"version\":\"v2.4.5\","
        "\"idfVersion\":\"v5.4\",\"boardVersion\":\"401\",\"runningPartition\":\"factory\","
        "\"flipscreen\":1,\"overheat_mode\":0,\"invertscreen\":0,\"invertfanpolarity\":1,"
        "\"autofanspeed\":1,\"fanspeed\":%.0f,\"fanrpm\":%.0f}",
        V (p->power_w, 0.02), V (p->power_w, 0.02) / 5.175 * 1000, V (p->chip_temp, 0.02),
        p->board_temp, hashrate, pool_difficulty (miner, 1000), p->frequency, miner->mac, miner->hostname, shares (miner), up,
        miner->hostname, miner->hostname, p->fan_percent, V (p->fan_rpm, 0.01));

    case SIM_NERDQAXE:
      /* NerdOS: deviceModel in info, hostip, fanrpm2, a stratum object. */
      return g_strdup_printf (
        "{\"asicCount\":4,\"smallCoreCount\":2040,\"deviceModel\":\"NerdQAxe++\","
        "\"hostip\":\"%s\",\"macAddr\":\"%s\",\"wifiRSSI\":-60,\"power\":%.3f,"
        "\"current\":%.1f,\"temp\":%.3f,\"vrTemp\":%.3f,\"hashRate\":%.3f,"
        "\"hashRate_1m\":%.3f,\"hashRate_10m\":%.3f,\"hashRate_1h\":%.3f,"
        "\"coreVoltage\":1150,\"coreVoltageActual\":1150,\"fanspeed\":%.0f,"
        "\"fanrpm\":%.0f,\"fanrpm2\":%.0f,\"fanspeed2\":40,\"fanCount\":2,"
        "\"stratum\":{\"poolMode\":0,\"usingFallback\":false,\"pools\":[{\"connected\":true,"
        "\"accepted\":%.0f,\"rejected\":3,\"bestDiff\":14137811}]},"
        "\"poolDifficulty\":%.0f,\"networkDifficulty\":124932866000000,\"foundBlocks\":0,"
        "\"totalFoundBlocks\":0,"
        "\"sharesAccepted\":%.0f,\"sharesRejected\":3,\"bestDiff\":\"270M\","
        "\"bestSessionDiff\":14137811,\"asicTemps\":[0,0,0,0],\"hostname\":\"%s\","
        "\"stratumURL\":\"pool.example.org\",\"stratumPort\":3333,"
        "\"stratumUser\":\"bc1qexample.%s\",\"fallbackStratumURL\":\"solo.example.org\","
        "\"fallbackStratumPort\":3333,\"stratumProtocol\":0,\"voltage\":12250,"
        "\"frequency\":%.0f,\"defaultFrequency\":600,\"autofanspeed\":2,"
        "\"ASICModel\":\"BM1370\",\"uptimeSeconds\":%.0f,"
        "\"lastResetReason\":\"SYSTEM.RESET_SOFTWARE\",\"version\":\"v1.0.36\","
        "\"runningPartition\":\"ota_0\"}",
        miner->ip, miner->mac, V (p->power_w, 0.02), V (p->power_w, 0.02) / 12.25 * 1000,
        V (p->chip_temp, 0.02), p->board_temp, hashrate, hashrate, hashrate, hashrate,
        p->fan_percent, V (p->fan_rpm, 0.01), p->fan_rpm - 200, shares (miner),
        pool_difficulty (miner, 16384), shares (miner), miner->hostname, miner->hostname,
        p->frequency, up);

    default:
      return axeos_current_info (fleet, miner, hashrate, up);
    }
}

char *
sim_axeos_asic (SimFleet *fleet,
                SimMiner *miner)
{
  if (miner->asic_json != NULL)
    return g_strdup (miner->asic_json);
  switch (miner->profile->id)
    {
    case SIM_AXEOS_SUPRA_OLD:
      return NULL;     /* AxeOS 2.4 has no /api/system/asic */
    case SIM_NERDQAXE:
      return g_strdup ("{\"ASICModel\":\"BM1370\",\"deviceModel\":\"NerdQAxe++\",\"swarmColor\":\"#e700d8\","
                       "\"asicCount\":4,\"defaultFrequency\":600,\"defaultVoltage\":1150,"
                       "\"absMaxFrequency\":800,\"absMaxVoltage\":1400,"
                       "\"frequencyOptions\":[500,515,525,550,575,590,600],"
                       "\"voltageOptions\":[1120,1130,1140,1150,1160,1170,1180,1190,1200]}");
    case SIM_AXEOS_ULTRA:
      return g_strdup ("{\"ASICModel\":\"BM1366\",\"deviceModel\":\"Ultra\","
                       "\"swarmColor\":\"purple\",\"asicCount\":1,\"defaultFrequency\":485,"
                       "\"frequencyOptions\":[400,425,450,475,485,500,525,550,575],"
                       "\"defaultVoltage\":1200,\"voltageOptions\":[1100,1150,1200,1250,1300]}");
    default:
      return g_strdup ("{\"ASICModel\":\"BM1370\",\"deviceModel\":\"Gamma\","
                       "\"swarmColor\":\"blue\",\"asicCount\":1,\"defaultFrequency\":525,"
                       "\"frequencyOptions\":[400,490,525,550,600,625],"
                       "\"defaultVoltage\":1150,\"voltageOptions\":[1000,1060,1100,1150,1200,1250]}");
    }
}

char *
sim_antminer_system_info (SimMiner *miner)
{
  return g_strdup_printf ("{\"minertype\":\"%s\",\"nettype\":\"DHCP\",\"netdevice\":\"eth0\","
                          "\"macaddr\":\"%s\",\"hostname\":\"%s\",\"ipaddress\":\"%s\","
                          "\"netmask\":\"255.0.0.0\",\"system_mode\":\"GNU/Linux\","
                          "\"system_filesystem_version\":\"%s\",\"firmware_type\":\"Release\","
                          "\"serinum\":\"%s\"}",
                          miner->profile->model, miner->mac, miner->hostname, miner->ip,
                          miner->profile->id == SIM_ANTMINER_S9 ? "Thu May 21 15:41:29 CST 2020"
                                                                : "Tue Dec  6 16:12:30 CST 2022",
                          miner->serial);
}

/* ---- Antminer ---------------------------------------------------------- */

static char *
antminer_version (SimMiner *miner)
{
  g_autofree char *status = status_json ("S", 22, "CGMiner versions", "cgminer 1.0.0");
  return g_strdup_printf ("{%s,\"VERSION\":[{\"BMMiner\":\"1.0.0\",\"API\":\"3.1\","
                          "\"Miner\":\"49.0.1.3\",\"CompileTime\":\"Tue Dec  6 16:12:30 CST 2022\","
                          "\"Type\":\"%s\"}],\"id\":1}", status, miner->profile->model);
}

static char *
antminer_stats (SimFleet *fleet,
                SimMiner *miner)
{
  const SimProfile *p = miner->profile;
  g_autofree char *status = status_json ("S", 70, "CGMiner stats", "cgminer 1.0.0");
  double h = V (sim_miner_base_hashrate (miner), 0.02) * sim_miner_rate_factor (miner);
  double up = sim_miner_uptime (miner);

  if (p->id == SIM_ANTMINER_S9)
    /* bmminer on the S9 writes hashrate and frequency as strings. */
    return g_strdup_printf (
      "{%s,\"STATS\":[{\"BMMiner\":\"2.0.0\",\"Miner\":\"16.8.1.3\","
      "\"CompileTime\":\"Thu May 21 15:41:29 CST 2020\",\"Type\":\"Antminer S9\"},"
      "{\"STATS\":0,\"ID\":\"BC50\",\"Elapsed\":%.0f,\"Calls\":0,\"Wait\":0.0,\"Max\":0.0,"
      "\"Min\":99999999.0,\"GHS 5s\":\"%.2f\",\"GHS av\":%.2f,\"miner_count\":3,"
      "\"frequency\":\"650\",\"fan_num\":2,\"fan1\":0,\"fan2\":0,\"fan3\":%.0f,\"fan4\":0,"
      "\"fan5\":0,\"fan6\":%.0f,\"temp_num\":3,\"temp1\":0,\"temp2\":0,\"temp3\":0,"
      "\"temp4\":0,\"temp5\":0,\"temp6\":%.0f,\"temp7\":%.0f,\"temp8\":%.0f,"
      "\"temp2_6\":%.0f,\"temp2_7\":%.0f,\"temp2_8\":%.0f,\"total_rateideal\":%.2f,"
      "\"total_freqavg\":650.00,\"total_acn\":189,\"total_rate\":%.2f,"
      "\"chain_acs6\":\" oooooooo oooooooo\",\"chain_rate6\":\"%.2f\"}],\"id\":1}",
      status, up, h, h, p->fan_rpm - 120, p->fan_rpm, p->board_temp - 2, p->board_temp,
      p->board_temp - 1, p->chip_temp - 2, p->chip_temp, p->chip_temp - 1, p->expected_ghs,
      h, h / 3);

  return g_strdup_printf (
    "{%s,\"STATS\":[{\"BMMiner\":\"1.0.0\",\"Miner\":\"49.0.1.3\","
    "\"CompileTime\":\"Tue Dec  6 16:12:30 CST 2022\",\"Type\":\"%s\"},"
    "{\"STATS\":0,\"ID\":\"BTM_SOC0\",\"Elapsed\":%.0f,\"Calls\":0,\"Wait\":0,\"Max\":0,"
    "\"Min\":99999999,\"GHS 5s\":%.2f,\"GHS av\":%.2f,\"rate_30m\":%.2f,\"Mode\":2,"
    "\"miner_count\":3,\"frequency\":%.0f,\"fan_num\":4,\"fan1\":%.0f,\"fan2\":%.0f,"
    "\"fan3\":%.0f,\"fan4\":%.0f,\"temp_num\":3,\"temp1\":%.0f,\"temp2_1\":%.0f,"
    "\"temp2\":%.0f,\"temp2_2\":%.0f,\"temp3\":%.0f,\"temp2_3\":%.0f,"
    "\"temp_pcb1\":\"%.0f-45-64-65\",\"temp_pcb2\":\"47-50-%.0f-62\",\"temp_pcb3\":\"46-44-60-61\","
    "\"temp_pcb4\":\"0-0-0-0\",\"temp_chip1\":\"%.0f-50-69-70\",\"temp_chip2\":\"52-55-70-71\","
    "\"temp_chip3\":\"51-49-69-68\",\"temp_chip4\":\"0-0-0-0\",\"total_rateideal\":%.1f,"
    "\"rate_unit\":\"GH\",\"total_freqavg\":%.0f,\"total_acn\":342,\"total rate\":%.2f,"
    "\"temp_max\":0,\"chain_acn1\":114,\"chain_acn2\":114,\"chain_acn3\":114,\"chain_acn4\":0,"
    "\"chain_rate1\":\"%.2f\",\"chain_rate2\":\"%.2f\",\"chain_rate3\":\"%.2f\","
    "\"chain_rate4\":\"\",\"miner_id\":\"%s\"}],\"id\":1}",
    status, p->model, up, h, h, h, p->frequency, p->fan_rpm - 60, p->fan_rpm,
    p->fan_rpm - 120, p->fan_rpm - 60, p->board_temp, p->chip_temp, p->board_temp - 2,
    p->chip_temp - 4, p->board_temp - 3, p->chip_temp - 6, p->board_temp, p->board_temp - 1,
    p->chip_temp, p->expected_ghs, p->frequency, h, h / 3, h / 3, h / 3, miner->serial);
}

static char *
summary_reply (SimFleet   *fleet,
               SimMiner   *miner,
               const char *unit,
               double      divisor,
               const char *description,
               const char *extra)
{
  g_autofree char *status = status_json ("S", 11, "Summary", description);
  double h = V (sim_miner_base_hashrate (miner), 0.02) * sim_miner_rate_factor (miner) / divisor;

  return g_strdup_printf (
    "{%s,\"SUMMARY\":[{\"Elapsed\":%.0f,\"%s av\":%.2f,\"%s 5s\":%.2f,\"%s 1m\":%.2f,"
    "\"%s 5m\":%.2f,\"%s 15m\":%.2f,\"Found Blocks\":%u,\"Getworks\":8828,\"Accepted\":%.0f,"
    "\"Rejected\":7,\"Hardware Errors\":148,\"Utility\":12.9,\"Discarded\":0,\"Stale\":0,"
    "\"Get Failures\":0,\"Local Work\":44544,\"Remote Failures\":0,\"Network Blocks\":170,"
    "\"Total MH\":309728599813.0,\"Work Utility\":42608.85,\"Difficulty Accepted\":72177677.0,"
    "\"Difficulty Rejected\":46931.0,\"Difficulty Stale\":0E-8,\"Best Share\":138508908,"
    "\"Device Hardware%%\":0.0002,\"Device Rejected%%\":0.065,\"Pool Rejected%%\":0.065,"
    "\"Pool Stale%%\":0.0,\"Last getwork\":0%s}],\"id\":1}",
    status, sim_miner_uptime (miner), unit, h, unit, h, unit, h, unit, h, unit, h,
    sim_miner_found_blocks (miner), shares (miner), extra ? extra : "");
}

static char *
pools_reply (SimMiner   *miner,
             const char *description)
{
  g_autofree char *status = status_json ("S", 7, "2 Pool(s)", description);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *url = NULL;

  if (miner->set_pool_host != NULL && strstr (miner->set_pool_host, "://") != NULL)
    {
      /* A pool set through the web CGI (Antminer). */
      return g_strdup_printf (
        "{%s,\"POOLS\":[{\"POOL\":0,\"URL\":\"%s\",\"Status\":\"Alive\",\"Priority\":0,"
        "\"Accepted\":%.0f,\"Rejected\":7,\"User\":\"%s\",\"Stratum Active\":true}],\"id\":1}",
        status, miner->set_pool_host, shares (miner),
        miner->set_pool_user ? miner->set_pool_user : "");
    }
  /* Any text (pool-url=), quoted as JSON: tests make it what a hostile
   * miner might report. */
  node = json_node_init_string (json_node_alloc (),
                                miner->pool_url ? miner->pool_url
                                                : "stratum+tcp://pool.example.org:3333");
  url = json_to_string (node, FALSE);

  /* fallback=true: the first pool is down, the second one in use. */
  return g_strdup_printf (
    "{%s,\"POOLS\":[{\"POOL\":0,\"URL\":%s,"
    "\"Status\":\"%s\",\"Priority\":0,\"Quota\":1,\"Long Poll\":\"N\",\"Getworks\":3957,"
    "\"Accepted\":%.0f,\"Rejected\":7,\"Stale\":1,\"User\":\"bc1qexample.%s\","
    "\"Diff1 Shares\":0,\"Stratum Active\":%s,\"Stratum URL\":\"pool.example.org\","
    "\"Stratum Difficulty\":%.0f,\"Last Share Difficulty\":%.0f,"
    "\"Pool Stale%%\":0.0},{\"POOL\":1,\"URL\":\"stratum+tcp://backup.example.org:3333\","
    "\"Status\":\"Alive\",\"Priority\":1,\"Quota\":1,\"Accepted\":0,\"Rejected\":0,"
    "\"User\":\"bc1qexample.%s\",\"Stratum Active\":%s,\"Stratum Difficulty\":%.0f}],"
    "\"id\":1}",
    status, url, miner->fallback ? "Dead" : "Alive", shares (miner), miner->hostname,
    miner->fallback ? "false" : "true", miner->fallback ? 0.0 : pool_difficulty (miner, 65536),
    miner->fallback ? 0.0 : pool_difficulty (miner, 65536), miner->hostname,
    miner->fallback ? "true" : "false", miner->fallback ? pool_difficulty (miner, 32768) : 0.0);
}

/* ---- Whatsminer -------------------------------------------------------- */

static char *
msg_reply (const char *msg_object,
           const char *description)
{
  return g_strdup_printf ("{\"STATUS\":\"S\",\"When\":%" G_GINT64_FORMAT ",\"Code\":131,"
                          "\"Msg\":%s,\"Description\":\"%s\"}", now_s (), msg_object,
                          description);
}

static char *
whatsminer_summary (SimFleet *fleet,
                    SimMiner *miner)
{
  const SimProfile *p = miner->profile;
  g_autofree char *extra = g_strdup_printf (
    ",\"HS RT\":%.2f,\"Factory GHS\":%.0f,\"Power\":%.0f,\"Power Limit\":3500,"
    "\"Power Mode\":\"Normal\",\"Chip Temp Min\":%.1f,\"Chip Temp Avg\":%.2f,"
    "\"Chip Temp Max\":%.1f,\"Temperature\":%.1f,\"Env Temp\":25.0,\"Fan Speed In\":%.0f,"
    "\"Fan Speed Out\":%.0f,\"freq_avg\":%.0f,\"Target Freq\":%.0f,\"MAC\":\"%s\","
    "\"Firmware Version\":\"'20230803.11.REL'\",\"Error Code Count\":0",
    V (sim_miner_base_hashrate (miner), 0.02) * sim_miner_rate_factor (miner) * 1000.0,
    p->expected_ghs,
    V (p->power_w, 0.01),
    p->chip_temp - 12, p->chip_temp - 3, p->chip_temp, p->board_temp, p->fan_rpm - 60,
    p->fan_rpm, p->frequency, p->frequency + 5, miner->mac);

  return summary_reply (fleet, miner, "MHS", 1e-3, "cgminer 4.9.2", extra);
}

static char *
whatsminer_devdetails (SimMiner *miner)
{
  g_autofree char *status = status_json ("S", 69, "Device Details", "cgminer 4.9.2");
  return g_strdup_printf ("{%s,\"DEVDETAILS\":[{\"DEVDETAILS\":0,\"Name\":\"SM\",\"ID\":0,"
                          "\"Driver\":\"bitmicro\",\"Kernel\":\"\",\"Model\":\"%s\"},"
                          "{\"DEVDETAILS\":1,\"Name\":\"SM\",\"ID\":1,\"Driver\":\"bitmicro\","
                          "\"Kernel\":\"\",\"Model\":\"%s\"}],\"id\":1}",
                          status, miner->profile->model, miner->profile->model);
}

static char *
whatsminer_privileged (SimFleet   *fleet,
                       SimMiner   *miner,
                       JsonObject *request,
                       gboolean   *restart)
{
  g_autofree char *key = NULL;
  g_autofree char *sign = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *data = json_object_get_string_member_with_default (request, "data", NULL);
  JsonObject *inner;
  const char *cmd, *token;

  if (miner->token_salt == NULL || data == NULL
      || !hf_whatsminer_derive (miner->password, miner->token_salt, miner->token_newsalt,
                                miner->token_time, &key, &sign))
    return g_strdup ("{\"STATUS\":\"E\",\"When\":0,\"Code\":23,\"Msg\":\"invalid data\","
                     "\"Description\":\"\"}");
  plain = hf_whatsminer_decrypt (key, data, NULL);
  if (plain == NULL || !json_parser_load_from_data (parser, plain, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_strdup ("{\"STATUS\":\"E\",\"When\":0,\"Code\":23,\"Msg\":\"invalid data\","
                     "\"Description\":\"\"}");
  inner = json_node_get_object (json_parser_get_root (parser));
  cmd = json_object_get_string_member_with_default (inner, "cmd", "");
  token = json_object_get_string_member_with_default (inner, "token", "");
  if (g_strcmp0 (token, sign) != 0)
    answer = g_strdup ("{\"STATUS\":\"E\",\"When\":0,\"Code\":135,\"Msg\":\"check token err\","
                       "\"Description\":\"\"}");
  else if (g_str_equal (cmd, "reboot"))
    {
      *restart = TRUE;
      answer = msg_reply ("\"API command OK\"", "");
    }
  else if (g_str_equal (cmd, "update_pools")
           && json_object_get_string_member_with_default (inner, "pool1", NULL) != NULL)
    {
      g_free (miner->set_pool_host);
      miner->set_pool_host = g_strdup (json_object_get_string_member (inner, "pool1"));
      g_free (miner->set_pool_user);
      miner->set_pool_user = g_strdup (json_object_get_string_member_with_default (inner, "worker1", ""));
      sim_event ("update-pools", miner, NULL);
      answer = msg_reply ("\"API command OK\"", "");
    }
  else if (g_str_equal (cmd, "set_led"))
    {
      sim_event ("identify", miner, NULL);
      answer = msg_reply ("\"API command OK\"", "");
    }
  else if (g_str_equal (cmd, "power_off") || g_str_equal (cmd, "power_on"))
    {
      gboolean off = g_str_equal (cmd, "power_off");

      if (!miner->ignore_writes)
        miner->paused = off;
      sim_event (off ? "pause" : "resume", miner, NULL);
      answer = msg_reply ("\"API command OK\"", "");
    }
  else
    answer = g_strdup ("{\"STATUS\":\"E\",\"When\":0,\"Code\":14,\"Msg\":\"invalid cmd\","
                       "\"Description\":\"\"}");
  {
    g_autofree char *enc = hf_whatsminer_encrypt (key, answer);
    return g_strdup_printf ("{\"enc\":\"%s\"}", enc);
  }
}

static char *
whatsminer_cmd (SimFleet   *fleet,
                SimMiner   *miner,
                const char *cmd)
{
  if (g_str_equal (cmd, "get_token"))
    {
      g_autofree char *msg = NULL;

      g_free (miner->token_time);
      g_free (miner->token_salt);
      g_free (miner->token_newsalt);
      miner->token_time = g_strdup_printf ("%04u", (guint) (now_s () % 10000));
      miner->token_salt = g_strdup_printf ("S%07x", g_random_int () & 0xfffffff);
      miner->token_newsalt = g_strdup_printf ("N%07x", g_random_int () & 0xfffffff);
      msg = g_strdup_printf ("{\"time\":\"%s\",\"salt\":\"%s\",\"newsalt\":\"%s\"}",
                             miner->token_time, miner->token_salt, miner->token_newsalt);
      return msg_reply (msg, "");
    }
  if (g_str_equal (cmd, "get_version"))
    return msg_reply ("{\"api_ver\":\"2.0.5\",\"fw_ver\":\"20230803.11.REL\","
                      "\"platform\":\"H616\"}", "");
  if (g_str_equal (cmd, "status"))
    {
      /* btminer says whether power_off stopped it; a string, as it writes it. */
      g_autofree char *msg = g_strdup_printf ("{\"Firmware Version\":\"'20230803.11.REL'\","
                                              "\"btmineroff\":\"%s\"}",
                                              miner->paused ? "true" : "false");
      return msg_reply (msg, "whatsminer v1.4.0");
    }
  if (g_str_equal (cmd, "get_miner_info"))
    {
      g_autofree char *msg = g_strdup_printf ("{\"mac\":\"%s\",\"hostname\":\"%s\","
                                              "\"ledstat\":\"auto\"}", miner->mac,
                                              miner->hostname);
      return msg_reply (msg, "");
    }
  return g_strdup ("{\"STATUS\":\"E\",\"When\":0,\"Code\":14,\"Msg\":\"invalid cmd\","
                   "\"Description\":\"\"}");
}

/* ---- Avalon ------------------------------------------------------------ */

static char *
avalon_version (SimMiner *miner)
{
  const SimProfile *p = miner->profile;
  g_autofree char *status = status_json ("S", 22, "CGMiner versions", "cgminer 4.11.1");
  g_autofree char *mac = g_ascii_strdown (miner->mac, -1);
  const char *model = p->id == SIM_AVALON_NANO3S ? "Nano3s" : p->id == SIM_AVALON_NANO3 ? "nano3"
                      : p->id == SIM_AVALON_Q ? "Q" : "Mini3";
  GString *plain_mac = g_string_new (NULL);

  for (const char *c = mac; *c; c++)
    if (*c != ':')
      g_string_append_c (plain_mac, *c);

  g_autofree char *macs = NULL;

  macs = g_string_free (plain_mac, FALSE);
  if (p->id == SIM_AVALON_NANO3)
    /* Older firmware: VERSION instead of LVERSION. */
    return g_strdup_printf ("{%s,\"VERSION\":[{\"CGMiner\":\"4.11.1\",\"API\":\"3.7\","
                            "\"PROD\":\"%s\",\"MODEL\":\"%s\",\"HWTYPE\":\"N_MM1v1_X1\","
                            "\"SWTYPE\":\"MM317\",\"VERSION\":\"24071801_42c628d\","
                            "\"HVERSION\":\"24071801_b906c52\",\"DNA\":\"%s\",\"MAC\":\"%s\"}],"
                            "\"id\":1}", status, p->model, model, miner->serial, macs);
  return g_strdup_printf ("{%s,\"VERSION\":[{\"CGMiner\":\"4.11.1\",\"API\":\"3.7\","
                          "\"PROD\":\"%s\",\"MODEL\":\"%s\",\"HWTYPE\":\"N_MM1v1_X1\","
                          "\"SWTYPE\":\"MM319\",\"LVERSION\":\"25021401_56abae7\","
                          "\"BVERSION\":\"25021401_56abae7\",\"CGVERSION\":\"25021401_56abae7\","
                          "\"DNA\":\"%s\",\"MAC\":\"%s\",\"UPAPI\":\"2\"}],\"id\":1}",
                          status, p->model, model, miner->serial, macs);
}

static char *
avalon_estats (SimFleet *fleet,
               SimMiner *miner)
{
  const SimProfile *p = miner->profile;
  g_autofree char *status = status_json ("S", 70, "CGMiner stats", "cgminer 4.11.1");
  g_autofree char *mm = NULL;
  SimPhysics now;
  double h, up = sim_miner_uptime (miner);
  double chip, board;

  /* Hashrate, power and temperatures of its work mode (the model), the
   * chip temperatures the firmware lists around them as it does. */
  sim_physics_now (fleet, miner, &now);
  h = now.hashrate_ghs;
  chip = now.chip_temp_c;
  board = now.vr_temp_c;

  switch (p->id)
    {
    case SIM_AVALON_Q:
      mm = g_strdup_printf (
        "'STATS':{Ver[Q-25052801_14a19a2] LVer[25052801_14a19a2] CPU[K230] FW[Release] "
        "DNA[%s] STATE[2] NETFAIL[0 0 0 0 0 0 0 0] SSID[] RSSI[0] "
        "SYSTEMSTATU[Work: In Work, Hash Board: 1] Elapsed[%.0f] BOOTBY[0x01.00000000] "
        "LW[16987598] MH[0] DHW[0] HW[0] DH[2.449%%] ITemp[26] HBITemp[30] HBOTemp[%.0f] "
        "TMax[%.0f] TAvg[%.0f] TarT[65] Fan1[%.0f] Fan2[%.0f] Fan3[%.0f] Fan4[%.0f] FanR[%.0f%%] "
        "PS[0 1222 4 0 0 2245 1650] GHSspd[%.2f] DHspd[0.000%%] GHSmm[%.2f] GHSavg[%.2f] "
        "WU[621649.53] Freq[%.2f] MGHS[%.2f] TA[160] Core[A3197S] BIN[36] PING[17] SoftOFF[0] "
        "WORKMODE[1] WORKLEVEL[0] MPO[1600] ADJ[1] Nonce Mask[25]}",
        miner->serial, up, board, chip, chip - 5, p->fan_rpm,
        p->fan_rpm - 20, p->fan_rpm - 40, p->fan_rpm - 10, p->fan_percent, h,
        p->expected_ghs, h, p->frequency, h);
      return g_strdup_printf ("{%s,\"STATS\":[{\"STATS\":0,\"ID\":\"AVALON0\",\"Elapsed\":%.0f,"
                              "\"Calls\":0,\"Wait\":0.000000,\"Max\":0.000000,"
                              "\"Min\":99999999.000000,\"MM ID0:Summary\":\"%s\","
                              "\"HBinfo\":\"'HB0':{PVT_T0[ 58  59  59]}\"}],\"id\":1}",
                              status, up, mm);
    case SIM_AVALON_NANO3:
      mm = g_strdup_printf (
        "HashStatus[1] Ver[nano3-24071801_42c628d] HVer[24071801_b906c52_6223725]  "
        "DNA[%s]  PFCnt[0] NETFAIL[0 0 0 0 0 0 0 0] Elapsed[%.0f] LW[2540537] MH[148] DHW[0] "
        "HW[148] DH[1.474%%] Temp[52] OTemp[%.0f] TMax[%.0f] TAvg[%.0f] TarT[85] Fan1[%.0f] "
        "FanR[%.0f%%] Vo[0] PS[0 0 0 3 2780 92 314] GHSspd[%.2f] DHspd[1.474%%] GHSmm[%.2f] "
        "GHSavg[%.2f] WU[42534.25] Freq[0.00] Led[0] MGHS[%.2f] MTmax[%.0f] MTavg[%.0f] TA[10] "
        "Core[A3198S] PING[166] SoftOFF[0] ECHU[0] ECMM[0] PLL0[0 258 321 1191] "
        "ATA0[60-80-306-100:293:313:333] WORKLEVEL[1] MPO[90] ADJ[1]",
        miner->serial, up, board, chip, chip - 2, p->fan_rpm,
        p->fan_percent, h, p->expected_ghs, h, h, chip, chip - 2);
      break;
    default:
      mm = g_strdup_printf (
        "HashStatus[1] Ver[%s-25021401_56abae7] DNA[%s] Elapsed[%.0f] MH[0] HW[0] DH[0.874%%] "
        "Temp[30] OTemp[%.0f] TMax[%.0f] TAvg[%.0f] TarT[80] Fan1[%.0f] FanR[%.0f%%] Vo[0] "
        "PS[0 0 27541 4 0 3756 %.0f] GHSspd[%.2f] DHspd[0.874%%] GHSmm[%.2f] GHSavg[%.2f] "
        "WU[84534.25] Freq[%.2f] Led[0] MGHS[%.2f] MTmax[%.0f] MTavg[%.0f] SoftOFF[0] "
        "SYSTEMSTATU[Work: In Work, Hash Board: 1] WORKMODE[1] WORKLEVEL[0] MPO[140]%s",
        p->id == SIM_AVALON_NANO3S ? "Nano3s" : "Mini3", miner->serial, up, board,
        chip, chip - 3, p->fan_rpm, p->fan_percent,
        now.power_w * (miner->paused ? 0.1 : 1.0), h,
        p->expected_ghs, h, p->frequency, h, chip,
        chip - 3,
        p->id == SIM_AVALON_MINI3 ? " WALLPOWER[800]" : "");
      break;
    }
  return g_strdup_printf ("{%s,\"STATS\":[{\"STATS\":0,\"ID\":\"AVA%u0\",\"Elapsed\":%.0f,"
                          "\"Calls\":0,\"Wait\":0.0,\"Max\":0.0,\"Min\":99999999.0,"
                          "\"MM ID0\":\"%s\",\"MM Count\":1,\"Nonce Mask\":25}],\"id\":1}",
                          status, miner->index % 10, up, mm);
}

/* ---- dispatch ---------------------------------------------------------- */

static char *
generic_version (void)
{
  g_autofree char *status = status_json ("S", 22, "CGMiner versions", "cgminer 4.12.1");
  return g_strdup_printf ("{%s,\"VERSION\":[{\"CGMiner\":\"4.12.1\",\"API\":\"3.7\"}],\"id\":1}",
                          status);
}

static char *
one_command (SimFleet   *fleet,
             SimMiner   *miner,
             const char *command,
             const char *parameter,
             gboolean   *restart)
{
  const SimProfile *p = miner->profile;

  switch (p->kind)
    {
    case SIM_KIND_ANTMINER:
      if (g_str_equal (command, "version"))
        return antminer_version (miner);
      if (g_str_equal (command, "stats"))
        return antminer_stats (fleet, miner);
      if (g_str_equal (command, "summary"))
        return summary_reply (fleet, miner, "GHS", 1.0, "cgminer 1.0.0", NULL);
      if (g_str_equal (command, "pools"))
        return pools_reply (miner, "cgminer 1.0.0");
      if (g_str_equal (command, "restart") || g_str_equal (command, "ascset"))
        return error_reply (45, "Access denied to 'restart' command", "cgminer 1.0.0");
      break;

    case SIM_KIND_WHATSMINER:
      if (g_str_equal (command, "summary"))
        return whatsminer_summary (fleet, miner);
      if (g_str_equal (command, "devdetails"))
        return whatsminer_devdetails (miner);
      if (g_str_equal (command, "pools"))
        return pools_reply (miner, "cgminer 4.9.2");
      break;

    case SIM_KIND_AVALON:
      if (g_str_equal (command, "version"))
        return avalon_version (miner);
      if (g_str_equal (command, "summary"))
        return summary_reply (fleet, miner, "MHS", 1e-3, "cgminer 4.11.1", NULL);
      if (g_str_equal (command, "estats") || g_str_equal (command, "stats"))
        return sim_avalon_apply_overrides (miner, avalon_estats (fleet, miner));
      if (g_str_equal (command, "pools"))
        return pools_reply (miner, "cgminer 4.11.1");
      if (g_str_equal (command, "ascset"))
        {
          g_autofree char *status = NULL;

          if (g_strcmp0 (parameter, "0,reboot,0") == 0)
            {
              *restart = TRUE;
              status = status_json ("I", 118, "ASC 0 set info: reboot success", "cgminer 4.11.1");
              return g_strdup_printf ("{%s,\"id\":1}", status);
            }
          {
            char *reply = sim_avalon_ascset (miner, parameter);
            if (reply != NULL)
              {
                sim_physics_changed (miner);
                return reply;
              }
          }
          return error_reply (120, "ASC 0 set failed: unknown option", "cgminer 4.11.1");
        }
      break;

    case SIM_KIND_VNISH:
      if (g_str_equal (command, "version"))
        return sim_vnish_version (miner);
      if (g_str_equal (command, "summary"))
        return summary_reply (fleet, miner, "GHS", 1.0, "cgminer 4.9.2", NULL);
      if (g_str_equal (command, "pools"))
        return pools_reply (miner, "cgminer 4.9.2");
      break;
    case SIM_KIND_BRAIINS:
      return sim_braiins_command (fleet, miner, command, parameter, restart);

    case SIM_KIND_LUXOS:
      return sim_luxos_command (fleet, miner, command, parameter, restart);

    case SIM_KIND_CGMINER:
      if (g_str_equal (command, "version"))
        return generic_version ();
      if (g_str_equal (command, "summary"))
        return summary_reply (fleet, miner, "MHS", 1e-3, "cgminer 4.12.1", NULL);
      if (g_str_equal (command, "pools"))
        return pools_reply (miner, "cgminer 4.12.1");
      if (g_str_equal (command, "restart"))
        {
          *restart = TRUE;
          return g_strdup ("{\"STATUS\":\"RESTART\"}");
        }
      break;

    default:
      break;
    }
  return error_reply (14, "Invalid command", "cgminer");
}

char *
sim_cgminer_reply (SimFleet   *fleet,
                   SimMiner   *miner,
                   JsonObject *request,
                   gboolean   *restart)
{
  const char *command = json_object_get_string_member_with_default (request, "command", NULL);
  const char *parameter = json_object_get_string_member_with_default (request, "parameter",
                                                                      NULL);
  const char *cmd = json_object_get_string_member_with_default (request, "cmd", NULL);
  g_auto(GStrv) parts = NULL;
  GString *multi;

  *restart = FALSE;

  if (miner->profile->kind == SIM_KIND_WHATSMINER)
    {
      if (json_object_has_member (request, "enc"))
        return whatsminer_privileged (fleet, miner, request, restart);
      if (cmd != NULL)
        return whatsminer_cmd (fleet, miner, cmd);
    }
  if (command == NULL)
    return error_reply (14, "Missing command", "cgminer");
  if (strchr (command, '+') == NULL)
    return one_command (fleet, miner, command, parameter, restart);

  /* Multi-command: the documented plain-object shape from generic cgminer,
   * one-element arrays (as some firmwares send) from the others. */
  parts = g_strsplit (command, "+", 16);
  multi = g_string_new ("{");
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *part = one_command (fleet, miner, parts[i], NULL, restart);
      gboolean plain = miner->profile->kind == SIM_KIND_CGMINER;

      g_string_append_printf (multi, "%s\"%s\":%s%s%s", i ? "," : "", parts[i],
                              plain ? "" : "[", part, plain ? "" : "]");
    }
  g_string_append (multi, ",\"id\":1}");
  return g_string_free (multi, FALSE);
}

/* For the firmware families of their own files (hf-sim-braiins.c, …). */
char *
sim_status_json (const char *status, int code, const char *msg, const char *description)
{
  return status_json (status, code, msg, description);
}

char *
sim_error_reply (int code, const char *msg, const char *description)
{
  return error_reply (code, msg, description);
}

char *
sim_summary_reply (SimFleet *fleet, SimMiner *miner, const char *unit, double divisor,
                   const char *description)
{
  return summary_reply (fleet, miner, unit, divisor, description, NULL);
}

char *
sim_pools_reply (SimMiner *miner, const char *description)
{
  return pools_reply (miner, description);
}

char *
sim_quirkify (SimMiner   *miner,
              const char *reply)
{
  GString *s = g_string_new (reply);

  switch (miner->profile->kind)
    {
    case SIM_KIND_ANTMINER:
      /* bmminer: "}{" between STATS elements, "[,{" at an array start. */
      g_string_replace (s, "},{\"STATS\"", "}{\"STATS\"", 0);
      g_string_replace (s, "\"STATUS\":[{", "\"STATUS\":[,{", 1);
      break;
    case SIM_KIND_WHATSMINER:
      /* btminer: ",}" and raw newlines, and a missing comma between strings. */
      g_string_replace (s, ",\"id\":1}", ",\"id\":1,}", 1);
      g_string_replace (s, "\"Elapsed\":", "\n\"Elapsed\":", 1);
      g_string_replace (s, "\"Summary\",\"Description\"", "\"Summary\"\"Description\"", 1);
      break;
    case SIM_KIND_AVALON:
      /* Avalon: bare inf/nan and a reply that lost its opening brace. */
      g_string_replace (s, "\"Difficulty Stale\":0E-8", "\"Difficulty Stale\":nan", 1);
      g_string_replace (s, "\"Utility\":12.9", "\"Utility\":inf", 1);
      if (s->len > 0 && s->str[0] == '{')
        s->str[0] = ',';
      break;
    default:
      break;
    }
  return g_string_free (s, FALSE);
}
