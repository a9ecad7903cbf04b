// Event: a festival, forum, conference, dialogue, commemoration… that our units organise or take
// part in. A series knows its editions (the 9th Viet Nam–China People's Forum), each with its
// place and theme. An event may have happened during a delegation's visit; when its dates or its
// country do not fit that visit, the write is saved and told so.
#include <algorithm>

#include "domain/declare.h"
#include "domain/registry.h"
#include "domain/rules.h"

namespace amity::domain {

namespace {

void CheckEvent(const Json& r, std::vector<FieldViolation>* out) {
  CheckStartsEnds(r, out);
  if (Has(r, "edition") && !Has(r, "series")) out->push_back({"edition", "needs series"});
  auto participants = r.find("participants");
  if (participants == r.end() || !participants->is_array()) return;
  for (size_t i = 0; i < participants->size(); ++i) {
    const Json& p = (*participants)[i];
    const bool organisation = Has(p, "organisation"), person = Has(p, "person");
    const std::string at = "participants[" + std::to_string(i) + "]";
    if (!organisation && !person) out->push_back({at, "needs an organisation or a person"});
    if (organisation && person) {
      out->push_back({at, "names both an organisation and a person; list each as its own participant"});
    }
  }
}

// The event should fall within the delegation's dates and in one of its stop countries.
Status WarnOutsideDelegation(const Json& record, std::optional<int64_t>, Lookup& lookup,
                             std::vector<FieldViolation>* out) {
  const std::optional<int64_t> id = IdAt(record, "delegation");
  if (!id) return {};
  ASSIGN_OR_RETURN(std::optional<Json> d, lookup.Find("delegation", *id, true));
  if (!d) return {};
  const std::string starts = TextAt(record, "starts_on");
  const std::string ends = Has(record, "ends_on") ? TextAt(record, "ends_on") : starts;
  const std::string d_starts = TextAt(*d, "starts_on"), d_ends = TextAt(*d, "ends_on");
  const std::string which = "delegation " + std::to_string(*id) + " \"" + TextAt(*d, "title") + "\"";
  if (EndsBeforeStart(d_starts, starts) || EndsBeforeStart(ends, d_ends)) {
    out->push_back({"delegation", "the event (" + DatesOf(record) + ") falls outside the dates of " +
                                      which + " (" + DatesOf(*d) + ")"});
  }
  const std::string country = TextAt(record, "country");
  auto countries = d->find("countries");
  if (!country.empty() && countries != d->end() && countries->is_array() && !countries->empty() &&
      std::find(countries->begin(), countries->end(), Json(country)) == countries->end()) {
    std::string list;
    for (const Json& c : *countries) list += (list.empty() ? "" : ", ") + c.get<std::string>();
    out->push_back({"country", which + " did not stop in " + country + " (its stops: " + list + ")"});
  }
  return {};
}

}  // namespace

EntityType DeclareEvent() {
  EntityType t;
  t.name = "event";
  t.plural = "events";
  t.label = {"Event", "Sự kiện"};
  t.plural_label = {"Events", "Các sự kiện"};
  t.title_field = "title";
  t.natural_keys = {"title"};
  t.timeline_date = "starts_on";
  t.unique_together = {{"series", "edition"}};
  t.fields = {
      F::Enum("kind", "Kind", "Loại",
              {{"festival", {"Festival", "Liên hoan"}, {}},
               {"forum", {"Forum", "Diễn đàn"}, {}},
               {"conference", {"Conference", "Hội nghị"}, {}},
               {"seminar", {"Seminar", "Hội thảo"}, {}},
               {"political_dialogue", {"Political dialogue", "Đối thoại chính trị"}, {}},
               {"theoretical_seminar", {"Theoretical seminar", "Hội thảo lý luận"}, {}},
               {"congress", {"Congress", "Đại hội"}, {}},
               {"commemoration", {"Commemoration", "Lễ kỷ niệm"}, {}},
               {"exhibition", {"Exhibition", "Triển lãm"}, {}},
               {"cultural_exchange", {"Cultural exchange", "Giao lưu văn hóa"}, {}},
               {"relief", {"Relief", "Cứu trợ"}, {}},
               {"meeting", {"Meeting", "Gặp gỡ"}, {}},
               {"training", {"Training", "Tập huấn"}, {}},
               {"local_activity", {"Local activity", "Hoạt động tại địa phương"}, {}}})
          .Filter().Sort(),
      F::Text("title", "Title", "Tên sự kiện").Required().Max(500).Filter().Sort().Search(),
      F::Text("series", "Series", "Chuỗi sự kiện").Max(300).Filter().Sort().Search()
          .Describe("the recurring event this is an edition of: Viet Nam–China People's Forum"),
      F::Of(FieldType::kInteger, "edition", "Edition", "Lần thứ").Range(1, 10000).Filter().Sort()
          .Describe("the number of this edition in its series: 9 for the 9th"),
      F::Enum("scope", "Scope", "Quy mô",
              {{"international", {"International", "Quốc tế"}, {}},
               {"national", {"National", "Toàn quốc"}, {}},
               {"local", {"Local", "Địa phương"}, {}}})
          .Filter().Sort(),
      F::Of(FieldType::kDate, "starts_on", "Starts on", "Ngày bắt đầu").Required().Filter().Sort(),
      F::Of(FieldType::kDate, "ends_on", "Ends on", "Ngày kết thúc").Filter().Sort(),
      F::Of(FieldType::kCountry, "country", "Country", "Quốc gia").Filter().Sort(),
      F::Text("city", "City", "Thành phố").Max(100).Filter().Sort(),
      F::Text("venue", "Venue", "Địa điểm").Max(300).Search(),
      F::RefList("organiser_units", "Organising units", "Đơn vị tổ chức", "unit").Filter(),
      F::RefList("organisers", "Organising partners", "Đối tác đồng tổ chức", "organisation").Filter(),
      F::Objects("participants", "Participants", "Thành phần tham dự",
                 {F::Ref("organisation", "Organisation", "Tổ chức", "organisation"),
                  F::Ref("person", "Person", "Cá nhân", "person"),
                  F::Text("role", "Role", "Vai trò").Max(200)
                      .Describe("speaker, co-chair, observer…")})
          .Items(500).Describe("each an organisation or a person"),
      F::Of(FieldType::kInteger, "participant_count", "Number of participants", "Số người tham dự")
          .Range(0, 100000000).Filter().Sort(),
      F::Text("theme", "Theme", "Chủ đề").Max(1000).Search(),
      F::Text("outcomes", "Outcomes", "Kết quả").Max(10000).Search(),
      F::Ref("delegation", "During delegation", "Trong chuyến thăm của đoàn", "delegation").Filter()
          .Describe("the delegation's visit this event took place during"),
  };
  t.check = CheckEvent;
  t.warn = WarnOutsideDelegation;
  return t;
}

}  // namespace amity::domain
