// Document: a file (an agreement's signed text, minutes, a speech, a photo) with what it is and
// what it belongs to. The bytes are uploaded separately (PUT …/documents/{id}/file) and kept by
// content hash; the file fields are maintained by Amity from the bytes, never typed.
#include "domain/declare.h"
#include "domain/registry.h"

namespace amity::domain {

namespace {

// Each linked record must exist, live, in a declared type.
Status CheckLinked(const Json& r, std::optional<int64_t>, Lookup& lookup) {
  auto linked = r.find("linked");
  if (linked == r.end() || !linked->is_array()) return {};
  std::vector<FieldViolation> bad;
  for (size_t i = 0; i < linked->size(); ++i) {
    const Json& l = (*linked)[i];
    const std::string at = "linked[" + std::to_string(i) + "]";
    const std::string entity = l.value("entity", "");
    const EntityType* type = Registry::Get().ByNameOrPlural(entity);
    if (!type || type->name == "document") {
      bad.push_back({at + ".entity", "\"" + entity + "\" is not a type a document can belong to"});
      continue;
    }
    const int64_t id = l.value("id", int64_t{0});
    ASSIGN_OR_RETURN(std::optional<Json> target, lookup.Find(type->name, id, false));
    if (!target) bad.push_back({at + ".id", "no live " + type->name + " with id " + std::to_string(id)});
  }
  if (!bad.empty()) return Invalid(std::move(bad));
  return {};
}

// Linked types are kept by their entity name, whichever way they were written.
void NormaliseLinked(Json* r) {
  auto linked = r->find("linked");
  if (linked == r->end() || !linked->is_array()) return;
  for (Json& l : *linked) {
    const EntityType* type = Registry::Get().ByNameOrPlural(l.value("entity", ""));
    if (type) l["entity"] = type->name;
  }
}

}  // namespace

EntityType DeclareDocument() {
  EntityType t;
  t.name = "document";
  t.plural = "documents";
  t.label = {"Document", "Tài liệu"};
  t.plural_label = {"Documents", "Tài liệu"};
  t.title_field = "title";
  t.natural_keys = {"file_sha256", "title"};
  t.fields = {
      F::Text("title", "Title", "Tiêu đề").Required().Max(500).Filter().Sort().Search(),
      F::Enum("kind", "Kind", "Loại tài liệu",
              {{"agreement_text", {"Agreement text", "Văn bản thoả thuận"}, {}},
               {"minutes", {"Minutes", "Biên bản"}, {}},
               {"report", {"Report", "Báo cáo"}, {}},
               {"letter", {"Letter", "Thư"}, {}},
               {"speech", {"Speech", "Bài phát biểu"}, {}},
               {"programme", {"Programme", "Chương trình"}, {}},
               {"photo", {"Photo", "Ảnh"}, {}},
               {"presentation", {"Presentation", "Bài trình bày"}, {}},
               {"press_release", {"Press release", "Thông cáo báo chí"}, {}},
               {"other", {"Other", "Khác"}, {}}})
          .Filter().Sort(),
      F::Text("language", "Language", "Ngôn ngữ").Max(35).Filter()
          .Pattern("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", "a language tag like vi, en, zh-Hans"),
      F::Text("description", "Description", "Mô tả").Max(5000).Search(),
      F::Objects("linked", "Belongs to", "Thuộc hồ sơ",
                 {F::Text("entity", "Type", "Loại hồ sơ").Required().Max(64),
                  F::Of(FieldType::kInteger, "id", "Record", "Hồ sơ").Required().Range(1, INT64_MAX)})
          .Items(100).Describe("the records it belongs to: {\"entity\": \"agreement\", \"id\": 3}"),
      F::Text("file_name", "File name", "Tên tệp").ReadOnly().Search(),
      F::Text("file_type", "File type", "Định dạng tệp").ReadOnly().Filter()
          .Describe("found from the bytes, never from what the uploader said"),
      F::Of(FieldType::kInteger, "file_size", "Size (bytes)", "Dung lượng (byte)").ReadOnly().Filter().Sort(),
      F::Text("file_sha256", "SHA-256", "Mã băm SHA-256").ReadOnly().Filter(),
      F::Text("text", "Text", "Nội dung chữ").ReadOnly().Search()
          .Describe("the text of a plain-text file, for search"),
  };
  t.derive = NormaliseLinked;
  t.check_stored = CheckLinked;
  return t;
}

}  // namespace amity::domain
