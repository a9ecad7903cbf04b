// Award: an honour proposed, approved and conferred on a foreign friend or partner organisation
// ("awarding the 'For Peace and Friendship among Nations' Medals to 21 foreign diplomats").
// Conferred awards date the recipient's timeline and are counted in the annual report.
#include "domain/declare.h"
#include "domain/registry.h"
#include "domain/rules.h"

namespace amity::domain {

namespace {

void CheckAward(const Json& r, std::vector<FieldViolation>* out) {
  ExactlyOne(r, "recipient_person", "recipient_organisation",
             "an award goes to a person or an organisation", out);
  if (TextAt(r, "status") == "conferred" && !Has(r, "conferred_on")) {
    out->push_back({"conferred_on", "is required when status is conferred"});
  }
}

}  // namespace

EntityType DeclareAward() {
  EntityType t;
  t.name = "award";
  t.plural = "awards";
  t.label = {"Award", "Khen thưởng"};
  t.plural_label = {"Awards", "Khen thưởng"};
  t.title_field = "award";
  t.timeline_date = "conferred_on";
  t.fields = {
      F::Enum("award", "Award", "Hình thức khen thưởng",
              {{"peace_friendship_medal",
                {"\"For Peace and Friendship among Nations\" medal",
                 "Kỷ niệm chương \"Vì hòa bình, hữu nghị giữa các dân tộc\""}, {}},
               {"friendship_order", {"Friendship Order", "Huân chương Hữu nghị"}, {}},
               {"friendship_medal", {"Friendship Medal", "Huy chương Hữu nghị"}, {}},
               {"labour_order_first", {"Labour Order, first class", "Huân chương Lao động hạng Nhất"}, {}},
               {"labour_order_second", {"Labour Order, second class", "Huân chương Lao động hạng Nhì"}, {}},
               {"labour_order_third", {"Labour Order, third class", "Huân chương Lao động hạng Ba"}, {}},
               {"prime_minister_certificate",
                {"Prime Minister's certificate of merit", "Bằng khen của Thủ tướng Chính phủ"}, {}},
               {"union_certificate",
                {"Certificate of merit of the Union of Friendship Organisations",
                 "Bằng khen của Liên hiệp các tổ chức hữu nghị Việt Nam"}, {}},
               {"certificate_of_merit", {"Other certificate of merit", "Bằng khen khác"}, {}},
               {"other", {"Other", "Khác"}, {}}})
          .Required().Filter().Sort(),
      F::Ref("recipient_person", "Recipient (person)", "Người được khen thưởng", "person").Filter()
          .Describe("or recipient_organisation, not both"),
      F::Ref("recipient_organisation", "Recipient (organisation)", "Tổ chức được khen thưởng", "organisation")
          .Filter().Describe("or recipient_person, not both"),
      F::Of(FieldType::kDate, "conferred_on", "Conferred on", "Ngày trao").Filter().Sort()
          .Describe("required once conferred"),
      F::Ref("by_unit", "Proposed by (unit)", "Đơn vị đề nghị", "unit").Filter(),
      F::Text("decision_reference", "Decision reference", "Số quyết định").Max(200).Filter().Search(),
      F::Text("citation", "Citation", "Thành tích").Max(5000).Search(),
      F::Enum("status", "Status", "Trạng thái",
              {{"proposed", {"Proposed", "Đề nghị"}, {}},
               {"approved", {"Approved", "Đã phê duyệt"}, {}},
               {"conferred", {"Conferred", "Đã trao"}, {}},
               {"declined", {"Declined", "Không được chấp thuận"}, {}},
               {"withdrawn", {"Withdrawn", "Rút đề nghị"}, {}}})
          .Default("proposed").Filter().Sort()
          .Transitions({{"proposed", {"approved", "declined", "withdrawn"}},
                        {"approved", {"conferred", "withdrawn"}},
                        {"declined", {}},
                        {"withdrawn", {}},
                        {"conferred", {}}}),
  };
  t.check = CheckAward;
  return t;
}

}  // namespace amity::domain
