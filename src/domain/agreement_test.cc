// An agreement's status is derived from its stage and dates on the day it is read.
#include <gtest/gtest.h>

#include "domain/registry.h"

namespace amity::domain {
namespace {

// {status, current_period_ends} of `record` on `today`.
std::pair<std::string, Json> On(Json record, const std::string& today) {
  Registry::Get().ByName("agreement")->derive_on_read(&record, today);
  return {record["status"].get<std::string>(), record["current_period_ends"]};
}

// VUFO and CPAFFC: "a cooperation agreement between 2017 and 2022".
const Json kCpaffc = {{"stage", "signed"}, {"signed_on", "2017-05-10"},
                      {"valid_from", "2017-05-10"}, {"valid_to", "2022-12-31"}};

TEST(AgreementStatus, BeforeSignatureIsTheStage) {
  EXPECT_EQ(On(Json::object(), "2026-09-21").first, "draft");
  EXPECT_EQ(On({{"stage", "draft"}}, "2026-09-21").first, "draft");
  EXPECT_EQ(On({{"stage", "negotiating"}, {"valid_from", "2020-01-01"}}, "2026-09-21").first, "negotiating");
}

TEST(AgreementStatus, ExpiresByItselfAfterValidTo) {
  EXPECT_EQ(On(kCpaffc, "2017-05-09"), (std::pair<std::string, Json>{"signed", nullptr}));
  EXPECT_EQ(On(kCpaffc, "2017-05-10"), (std::pair<std::string, Json>{"in_force", "2022-12-31"}));
  EXPECT_EQ(On(kCpaffc, "2022-12-31"), (std::pair<std::string, Json>{"in_force", "2022-12-31"}));
  EXPECT_EQ(On(kCpaffc, "2023-01-01"), (std::pair<std::string, Json>{"expired", nullptr}));
  EXPECT_EQ(On(kCpaffc, "2026-09-21"), (std::pair<std::string, Json>{"expired", nullptr}));
}

TEST(AgreementStatus, SignedButNotYetInForce) {
  Json r = {{"signed_on", "2026-09-01"}, {"entry_into_force", "2026-10-01"}, {"valid_from", "2026-09-01"}};
  EXPECT_EQ(On(r, "2026-09-21").first, "signed");
  EXPECT_EQ(On(r, "2026-10-01").first, "in_force");
  // Signed, with no date for when it took effect: not known to be in force.
  EXPECT_EQ(On({{"stage", "signed"}}, "2026-09-21").first, "signed");
  // Only a signature date: in force from the signature, without an end.
  EXPECT_EQ(On({{"signed_on", "2026-09-21"}}, "2026-09-21"), (std::pair<std::string, Json>{"in_force", nullptr}));
  EXPECT_EQ(On({{"signed_on", "2026-09-22"}}, "2026-09-21").first, "signed");
}

TEST(AgreementStatus, RenewsAutomaticallyByWholePeriods) {
  Json r = kCpaffc;
  r["renews_automatically"] = true;
  r["renewal_period_months"] = 60;
  EXPECT_EQ(On(r, "2022-12-31"), (std::pair<std::string, Json>{"in_force", "2022-12-31"}));
  EXPECT_EQ(On(r, "2023-01-01"), (std::pair<std::string, Json>{"in_force", "2027-12-31"}));
  EXPECT_EQ(On(r, "2026-09-21"), (std::pair<std::string, Json>{"in_force", "2027-12-31"}));
  EXPECT_EQ(On(r, "2027-12-31"), (std::pair<std::string, Json>{"in_force", "2027-12-31"}));
  EXPECT_EQ(On(r, "2028-01-01"), (std::pair<std::string, Json>{"in_force", "2032-12-31"}));
  // Each period is counted from valid_to, the day moved back at the end of a shorter month.
  Json monthly = {{"signed_on", "2024-03-01"}, {"valid_to", "2024-08-31"},
                  {"renews_automatically", true}, {"renewal_period_months", 6}};
  EXPECT_EQ(On(monthly, "2024-09-01").second, "2025-02-28");
  EXPECT_EQ(On(monthly, "2025-03-01").second, "2025-08-31");
  EXPECT_EQ(On(monthly, "2027-09-01").second, "2028-02-29");
}

TEST(AgreementStatus, TerminatedFromItsDate) {
  Json r = kCpaffc;
  r["renews_automatically"] = true;
  r["renewal_period_months"] = 12;
  r["terminated_on"] = "2025-06-30";
  EXPECT_EQ(On(r, "2025-06-29").first, "in_force");
  EXPECT_EQ(On(r, "2025-06-30"), (std::pair<std::string, Json>{"terminated", nullptr}));
  EXPECT_EQ(On(r, "2026-09-21").first, "terminated");
}

}  // namespace
}  // namespace amity::domain
