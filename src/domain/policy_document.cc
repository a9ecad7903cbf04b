// Policy document: a resolution, directive, conclusion, decision, law or programme that plans and
// reviews cite ("Directive 28-CT/TW", "Resolution 36-NQ/TW"), so that "the 10-year review of
// Directive 28" can list what was done under it.
#include "domain/declare.h"
#include "domain/registry.h"
#include "domain/supersedes.h"

namespace amity::domain {

EntityType DeclarePolicyDocument() {
  EntityType t;
  t.name = "policy_document";
  t.plural = "policy-documents";
  t.label = {"Policy document", "Văn bản chỉ đạo"};
  t.plural_label = {"Policy documents", "Văn bản chỉ đạo"};
  t.title_field = "title";
  t.natural_keys = {"number", "title"};
  t.fields = {
      F::Text("number", "Number", "Số, ký hiệu").Unique().Max(100).Filter().Sort().SearchName()
          .Describe("as issued: 36-NQ/TW, 28-CT/TW"),
      F::Enum("kind", "Kind", "Loại văn bản",
              {{"resolution", {"Resolution", "Nghị quyết"}, {}},
               {"directive", {"Directive", "Chỉ thị"}, {}},
               {"conclusion", {"Conclusion", "Kết luận"}, {}},
               {"decision", {"Decision", "Quyết định"}, {}},
               {"law", {"Law", "Luật"}, {}},
               {"decree", {"Decree", "Nghị định"}, {}},
               {"circular", {"Circular", "Thông tư"}, {}},
               {"strategy", {"Strategy", "Chiến lược"}, {}},
               {"programme", {"Programme", "Chương trình"}, {}},
               {"other", {"Other", "Khác"}, {}}})
          .Filter().Sort(),
      F::Text("issuer", "Issued by", "Cơ quan ban hành").Max(300).Filter().Sort().Search(),
      F::Of(FieldType::kDate, "issued_on", "Issued on", "Ngày ban hành").Filter().Sort(),
      F::Text("title", "Title", "Trích yếu").Required().Max(1000).Filter().Sort().Search(),
      F::Text("summary", "Summary", "Tóm tắt nội dung").Max(20000).Search(),
      F::Ref("supersedes", "Supersedes", "Thay thế văn bản", "policy_document").Filter(),
  };
  t.check_stored = [](const Json& record, std::optional<int64_t> id, Lookup& lookup) {
    return CheckSupersedes("policy_document", record, id, lookup);
  };
  return t;
}

}  // namespace amity::domain
