// Plan: what a unit means to do in a period ("the 2025 work plan of the Europe Department"), item
// by item, each with an objective, an indicator and its target. Progress is computed from the
// records linked to an item and counted, never typed in.
#include <algorithm>

#include "base/dates.h"
#include "domain/declare.h"
#include "domain/registry.h"

namespace amity::domain {

namespace {

// The parts of an item that link the records it counts. Delegations and events join this list
// when those entities exist.
constexpr const char* kCountedParts[] = {"delegations", "events", "agreements", "awards"};

// Per item: achieved = the linked records; progress_percent = achieved / target, in whole
// percent, at most 100 (null without a target; 100 for a target of 0).
void DerivePlan(Json* r) {
  auto items = r->find("items");
  if (items == r->end() || !items->is_array()) return;
  for (Json& item : *items) {
    int64_t achieved = 0;
    for (const char* part : kCountedParts) {
      auto linked = item.find(part);
      if (linked != item.end() && linked->is_array()) achieved += static_cast<int64_t>(linked->size());
    }
    item["achieved"] = achieved;
    auto target = item.find("target");
    if (target == item.end() || !target->is_number_integer()) {
      item["progress_percent"] = nullptr;
    } else {
      const int64_t t = target->get<int64_t>();
      item["progress_percent"] = t <= 0 ? 100 : std::min<int64_t>(100, achieved * 100 / t);
    }
  }
}

void CheckPlan(const Json& r, std::vector<FieldViolation>* out) {
  const Json from_v = r.value("period_from", Json()), to_v = r.value("period_to", Json());
  const std::string from = from_v.is_string() ? from_v.get<std::string>() : "";
  const std::string to = to_v.is_string() ? to_v.get<std::string>() : "";
  if (EndsBeforeStart(from, to)) out->push_back({"period_to", "is before period_from (" + from + ")"});
}

}  // namespace

EntityType DeclarePlan() {
  EntityType t;
  t.name = "plan";
  t.plural = "plans";
  t.label = {"Plan", "Kế hoạch"};
  t.plural_label = {"Plans", "Kế hoạch"};
  t.title_field = "title";
  t.natural_keys = {"title"};
  t.fields = {
      F::Ref("unit", "Unit", "Đơn vị", "unit").Required().Filter().Sort(),
      F::Of(FieldType::kPartialDate, "period_from", "Period from", "Thời kỳ từ").Filter().Sort()
          .Describe("a year (\"2025\"), a month or a date"),
      F::Of(FieldType::kPartialDate, "period_to", "Period to", "Thời kỳ đến").Filter().Sort(),
      F::Text("title", "Title", "Tên kế hoạch").Required().Max(1000).Filter().Sort().Search(),
      F::RefList("policy_documents", "Policy documents", "Văn bản căn cứ", "policy_document").Filter()
          .Describe("the resolutions, directives and programmes the plan carries out"),
      F::Objects("items", "Items", "Nhiệm vụ, chỉ tiêu",
                 {F::Text("objective", "Objective", "Mục tiêu").Required().Max(2000),
                  F::Text("indicator", "Indicator", "Chỉ số đánh giá").Max(500),
                  F::Of(FieldType::kInteger, "target", "Target", "Chỉ tiêu").Range(0, 1000000000),
                  F::Ref("responsible_unit", "Responsible unit", "Đơn vị chủ trì", "unit"),
                  F::Of(FieldType::kDate, "due", "Due", "Thời hạn"),
                  F::Enum("status", "Status", "Tình trạng",
                          {{"planned", {"Planned", "Chưa triển khai"}, {}},
                           {"in_progress", {"In progress", "Đang thực hiện"}, {}},
                           {"done", {"Done", "Đã hoàn thành"}, {}},
                           {"dropped", {"Dropped", "Không thực hiện"}, {}}})
                      .Default("planned"),
                  F::RefList("delegations", "Delegations", "Đoàn ra, đoàn vào", "delegation"),
                  F::RefList("events", "Events", "Sự kiện", "event"),
                  F::RefList("agreements", "Agreements", "Thỏa thuận đã ký", "agreement"),
                  F::RefList("awards", "Awards", "Khen thưởng", "award"),
                  F::Of(FieldType::kInteger, "achieved", "Achieved", "Đã đạt").ReadOnly()
                      .Describe("the number of linked records"),
                  F::Of(FieldType::kInteger, "progress_percent", "Progress (%)", "Tiến độ (%)").ReadOnly()
                      .Describe("achieved / target, in whole percent, at most 100; null without a target")})
          .Items(500),
  };
  t.check = CheckPlan;
  t.derive = DerivePlan;
  return t;
}

}  // namespace amity::domain
