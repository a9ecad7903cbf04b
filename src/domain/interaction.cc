// Interaction: one contact with partners (a meeting, a call, a letter, a visit). It dates the
// timeline of every organisation, person and unit it names and feeds "last contact".
#include "base/dates.h"
#include "domain/declare.h"
#include "domain/registry.h"
#include "domain/rules.h"

namespace amity::domain {

namespace {

bool NonEmptyList(const Json& r, const char* key) {
  auto it = r.find(key);
  return it != r.end() && it->is_array() && !it->empty();
}

void CheckInteraction(const Json& r, std::vector<FieldViolation>* out) {
  if (!NonEmptyList(r, "organisations") && !NonEmptyList(r, "persons")) {
    out->push_back({"organisations", "an interaction is with at least one organisation or person"});
  }
  const std::string date = TextAt(r, "date"), due = TextAt(r, "follow_up_due");
  if (EndsBeforeStart(date, due)) out->push_back({"follow_up_due", "is before date (" + date + ")"});
  if (!due.empty() && TextAt(r, "follow_up").empty()) {
    out->push_back({"follow_up_due", "needs follow_up"});
  }
}

}  // namespace

EntityType DeclareInteraction() {
  EntityType t;
  t.name = "interaction";
  t.plural = "interactions";
  t.label = {"Interaction", "Tiếp xúc"};
  t.plural_label = {"Interactions", "Tiếp xúc"};
  t.title_field = "title";
  t.timeline_date = "date";
  t.fields = {
      F::Of(FieldType::kDate, "date", "Date", "Ngày").Required().Filter().Sort(),
      F::Enum("kind", "Kind", "Hình thức",
              {{"meeting", {"Meeting", "Gặp gỡ, làm việc"}, {}},
               {"call", {"Phone call", "Điện thoại"}, {}},
               {"video_call", {"Video call", "Gọi trực tuyến"}, {}},
               {"letter", {"Letter", "Thư, công hàm"}, {}},
               {"message", {"Message (congratulations, condolences)", "Điện mừng, điện chia buồn"}, {}},
               {"email", {"E-mail", "Thư điện tử"}, {}},
               {"visit", {"Visit", "Thăm"}, {}},
               {"other", {"Other", "Khác"}, {}}})
          .Required().Filter().Sort(),
      F::Text("title", "Subject", "Nội dung").Required().Max(500).Sort().Search(),
      F::RefList("organisations", "Organisations", "Tổ chức", "organisation").Filter(),
      F::RefList("persons", "Persons", "Cá nhân", "person").Filter(),
      F::Ref("unit", "Our unit", "Đơn vị ta", "unit").Filter(),
      F::Text("summary", "Summary", "Tóm tắt").Max(20000).Search(),
      F::Text("follow_up", "Follow-up", "Việc cần làm tiếp").Max(5000).Search(),
      F::Of(FieldType::kDate, "follow_up_due", "Follow-up due", "Hạn thực hiện").Filter().Sort(),
  };
  t.check = CheckInteraction;
  return t;
}

}  // namespace amity::domain
