#include "io/iso_codes.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <boost/locale.hpp>
#include <nlohmann/json.hpp>

#include "base/text.h"

namespace amity::io {
namespace {

using Json = nlohmann::json;

Result<Json> ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Fail(ErrorCode::kUnavailable, "cannot read " + path + " (is the iso-codes package installed?)");
  }
  Json j = Json::parse(in, nullptr, false);
  if (j.is_discarded()) return Fail(ErrorCode::kInternal, path + " is not valid JSON");
  return j;
}

// Translations from one iso-codes gettext domain into Vietnamese.
class Catalogue {
 public:
  Catalogue(const std::string& locale_dir, const std::string& domain) {
    boost::locale::generator gen;
    gen.add_messages_path(locale_dir);
    gen.add_messages_domain(domain);
    locale_ = gen("vi_VN.UTF-8");
  }
  // The translation, or empty when the catalogue has none.
  std::string Vi(const std::string& msgid) const {
    if (msgid.empty()) return "";
    std::string t = boost::locale::translate(msgid).str(locale_);
    return t == msgid ? "" : t;
  }

 private:
  std::locale locale_;
};

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<domain::ReferenceData> LoadIsoCodes(const IsoCodesPaths& paths) {
  domain::ReferenceData ref;
  ASSIGN_OR_RETURN(Json c1, ReadJson(paths.json_dir + "/iso_3166-1.json"));
  ASSIGN_OR_RETURN(Json c2, ReadJson(paths.json_dir + "/iso_3166-2.json"));
  ASSIGN_OR_RETURN(Json c3, ReadJson(paths.json_dir + "/iso_3166-3.json"));
  ASSIGN_OR_RETURN(Json cur, ReadJson(paths.json_dir + "/iso_4217.json"));
  ASSIGN_OR_RETURN(Json l2, ReadJson(paths.json_dir + "/iso_639-2.json"));
  ASSIGN_OR_RETURN(Json l3, ReadJson(paths.json_dir + "/iso_639-3.json"));
  const Catalogue vi1(paths.locale_dir, "iso_3166-1");
  const Catalogue vi2(paths.locale_dir, "iso_3166-2");
  const Catalogue vi3(paths.locale_dir, "iso_3166-3");
  const Catalogue vi4217(paths.locale_dir, "iso_4217");
  for (const Json& e : c1["3166-1"]) {
    domain::CountryInfo c;
    c.alpha2 = Str(e, "alpha_2");
    c.alpha3 = Str(e, "alpha_3");
    c.numeric = Str(e, "numeric");
    c.name = Str(e, "name");
    c.official_name = Str(e, "official_name");
    c.common_name = Str(e, "common_name");
    c.name_vi = vi1.Vi(c.name);
    ref.country_by_alpha2[c.alpha2] = ref.countries.size();
    ref.country_by_alpha3[c.alpha3] = ref.countries.size();
    ref.countries.push_back(std::move(c));
  }
  // Former countries (German Democratic Republic, Yugoslavia…) keep their old codes, when those
  // have not been given to another country since.
  for (const Json& e : c3["3166-3"]) {
    domain::CountryInfo c;
    c.alpha2 = Str(e, "alpha_2");
    c.alpha3 = Str(e, "alpha_3");
    if (c.alpha2.size() != 2 || ref.country_by_alpha2.contains(c.alpha2) ||
        ref.country_by_alpha3.contains(c.alpha3)) {
      continue;
    }
    c.numeric = Str(e, "numeric");
    c.name = Str(e, "name");
    c.name_vi = vi3.Vi(c.name);
    c.withdrawn_on = Str(e, "withdrawal_date");
    if (c.withdrawn_on.size() == 4) c.withdrawn_on += "-01-01";
    ref.country_by_alpha2[c.alpha2] = ref.countries.size();
    ref.country_by_alpha3[c.alpha3] = ref.countries.size();
    ref.countries.push_back(std::move(c));
  }
  for (const Json& e : c2["3166-2"]) {
    domain::SubdivisionInfo s;
    s.code = Str(e, "code");
    s.country = s.code.substr(0, 2);
    if (!ref.country_by_alpha2.contains(s.country)) continue;
    s.name = Str(e, "name");
    s.name_vi = vi2.Vi(s.name);
    s.type = Str(e, "type");
    s.parent = Str(e, "parent");
    if (!s.parent.empty() && s.parent.find('-') == std::string::npos) s.parent = s.country + "-" + s.parent;
    ref.subdivision_codes.insert(s.code);
    ref.subdivisions.push_back(std::move(s));
  }
  for (const Json& e : cur["4217"]) {
    domain::CurrencyInfo c{Str(e, "alpha_3"), Str(e, "numeric"), Str(e, "name"), ""};
    c.name_vi = vi4217.Vi(c.name);
    ref.currency_codes.insert(c.code);
    ref.currencies.push_back(std::move(c));
  }
  auto add_language = [&](const Json& e) {
    const std::string a2 = Str(e, "alpha_2"), a3 = Str(e, "alpha_3"), name = Str(e, "name");
    if (!a2.empty()) ref.language_codes.insert(a2);
    if (!a3.empty()) ref.language_codes.insert(a3);
    // "Pushto; Pashto": each alternative name is a key.
    size_t start = 0;
    while (start < name.size()) {
      size_t end = name.find(';', start);
      if (end == std::string::npos) end = name.size();
      std::string lower(Trim(std::string_view(name).substr(start, end - start)));
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (!lower.empty() && !ref.language_by_name.contains(lower)) {
        ref.language_by_name[lower] = a2.empty() ? a3 : a2;
      }
      start = end + 1;
    }
  };
  for (const Json& e : l2["639-2"]) add_language(e);
  for (const Json& e : l3["639-3"]) add_language(e);
  return ref;
}

const domain::ReferenceData& SharedReferenceData() {
  static const domain::ReferenceData ref = [] {
    auto r = LoadIsoCodes();
    if (!r) {
      std::fprintf(stderr, "amity: %s\n", r.error().message.c_str());
      std::exit(3);
    }
    return std::move(*r);
  }();
  return ref;
}

}  // namespace amity::io
