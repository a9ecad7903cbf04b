// Appeal: a fund-raising campaign (a typhoon relief appeal), its target and the contributions it
// received, in cash or in kind, each in its own currency and dated, so each contribution shows
// on the timeline of the organisation that gave it. Totals in one currency: domain/money.h.
#include "base/dates.h"
#include "domain/declare.h"
#include "domain/registry.h"
#include "domain/rules.h"

namespace amity::domain {

namespace {

void CheckAppeal(const Json& r, std::vector<FieldViolation>* out) {
  const std::string start = TextAt(r, "starts_on"), end = TextAt(r, "ends_on");
  if (EndsBeforeStart(start, end)) out->push_back({"ends_on", "is before starts_on (" + start + ")"});
}

// A contribution dated outside the appeal's dates is unusual (a late pledge), not wrong.
Status WarnAppeal(const Json& r, std::optional<int64_t>, Lookup&, std::vector<FieldViolation>* out) {
  const std::string start = TextAt(r, "starts_on"), end = TextAt(r, "ends_on");
  auto items = r.find("contributions");
  if (items == r.end() || !items->is_array()) return {};
  for (size_t i = 0; i < items->size(); ++i) {
    const std::string date = TextAt((*items)[i], "date");
    const std::string at = "contributions[" + std::to_string(i) + "].date";
    if (!start.empty() && date < start) {
      out->push_back({at, "is before the appeal starts (" + start + ")"});
    } else if (!end.empty() && date > end) {
      out->push_back({at, "is after the appeal ends (" + end + ")"});
    }
  }
  return {};
}

}  // namespace

EntityType DeclareAppeal() {
  EntityType t;
  t.name = "appeal";
  t.plural = "appeals";
  t.label = {"Appeal", "Cuộc vận động"};
  t.plural_label = {"Appeals", "Các cuộc vận động"};
  t.title_field = "title";
  t.natural_keys = {"title"};
  t.timeline_date = "starts_on";
  t.fields = {
      F::Text("title", "Title", "Tên cuộc vận động").Required().Max(500).Filter().Sort().Search()
          .Describe("e.g. relief for the victims of Typhoon Yagi"),
      F::Text("cause", "Cause", "Lý do vận động").Max(5000).Search()
          .Describe("the disaster or need the appeal answers"),
      F::Of(FieldType::kCountry, "country", "Country", "Quốc gia").Filter().Sort()
          .Describe("where the help goes"),
      F::Of(FieldType::kDate, "starts_on", "Starts on", "Ngày bắt đầu").Filter().Sort(),
      F::Of(FieldType::kDate, "ends_on", "Ends on", "Ngày kết thúc").Filter().Sort(),
      F::Of(FieldType::kMoney, "target", "Target", "Mục tiêu vận động").Range(0, INT64_MAX),
      F::Objects("contributions", "Contributions", "Đóng góp",
                 {F::Ref("organisation", "Organisation", "Tổ chức", "organisation")
                      .Describe("none for an anonymous contribution"),
                  F::Enum("kind", "Kind", "Hình thức",
                          {{"cash", {"Cash", "Tiền mặt"}, {}},
                           {"in_kind", {"In kind", "Hiện vật"}, {}}})
                      .Required().Default("cash"),
                  F::Of(FieldType::kMoney, "amount", "Amount", "Giá trị").Required().Range(0, INT64_MAX)
                      .Describe("for a gift in kind: its estimated value"),
                  F::Of(FieldType::kDate, "date", "Date", "Ngày").Required(),
                  F::Text("description", "Description", "Mô tả").Max(2000)})
          .Items(5000).ItemDate("date"),
  };
  t.check = CheckAppeal;
  t.warn = WarnAppeal;
  return t;
}

}  // namespace amity::domain
