// /api/v1/meta and /api/v1/openapi.json, both derived from the entity declarations.
#include "domain/custom.h"
#include "domain/money.h"
#include "domain/query.h"
#include "http/api.h"

namespace amity::http {

using domain::EntityType;
using domain::Field;
using domain::FieldType;
using domain::Json;

namespace {

Json LabelJson(const domain::Label& l) { return {{"en", l.en}, {"vi", l.vi}}; }

std::string Pascal(const std::string& name) {
  std::string out;
  bool up = true;
  for (char c : name) {
    if (c == '_' || c == '-') {
      up = true;
      continue;
    }
    out.push_back(up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    up = false;
  }
  return out;
}

// JSON Schema (2020-12, as OpenAPI 3.1 uses) of one field's value.
Json ValueSchema(const Field& f) {
  Json s;
  switch (f.type) {
    case FieldType::kText:
      s = {{"type", "string"}};
      if (f.pattern.size()) s["pattern"] = "^(?:" + f.pattern + ")$";
      break;
    case FieldType::kEmail: s = {{"type", "string"}, {"format", "email"}}; break;
    case FieldType::kUrl: s = {{"type", "string"}, {"format", "uri"}}; break;
    case FieldType::kMultilingualText:
      s = {{"type", "object"}, {"additionalProperties", {{"type", "string"}}},
           {"description", "one value per BCP 47 language tag"}};
      break;
    case FieldType::kTextList: s = {{"type", "array"}, {"items", {{"type", "string"}}}}; break;
    case FieldType::kInteger:
      s = {{"type", "integer"}};
      if (f.min) s["minimum"] = *f.min;
      if (f.max) s["maximum"] = *f.max;
      break;
    case FieldType::kDecimal: s = {{"type", "string"}, {"pattern", "^-?[0-9]+(\\.[0-9]+)?$"}}; break;
    case FieldType::kMoney:
      s = {{"type", "object"},
           {"properties", {{"amount", {{"type", "integer"}, {"description", "minor units"}}},
                           {"currency", {{"type", "string"}, {"pattern", "^[A-Z]{3}$"}}}}},
           {"required", {"amount", "currency"}},
           {"additionalProperties", false}};
      break;
    case FieldType::kDate: s = {{"type", "string"}, {"format", "date"}}; break;
    case FieldType::kPartialDate:
      s = {{"type", "string"}, {"pattern", "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}};
      break;
    case FieldType::kDateTime: s = {{"type", "string"}, {"format", "date-time"}}; break;
    case FieldType::kBoolean: s = {{"type", "boolean"}}; break;
    case FieldType::kEnum: {
      Json values = Json::array();
      for (const auto& v : f.values) values.push_back(v.value);
      s = {{"type", "string"}, {"enum", values}};
      break;
    }
    case FieldType::kRef:
      s = {{"type", "integer"}, {"minimum", 1}, {"description", "the id of a " + f.ref}};
      break;
    case FieldType::kRefList:
      s = {{"type", "array"}, {"items", {{"type", "integer"}, {"minimum", 1}}}};
      break;
    case FieldType::kCountry:
      s = {{"type", "string"}, {"pattern", "^[A-Z]{2}$"}, {"description", "ISO 3166-1 alpha-2"}};
      break;
    case FieldType::kObjects: {
      Json props = Json::object(), required = Json::array();
      for (const Field& part : f.parts) {
        props[part.name] = ValueSchema(part);
        if (part.read_only) props[part.name]["readOnly"] = true;  // derived per item; refused in input
        if (part.required) required.push_back(part.name);
      }
      Json item = {{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
      if (!required.empty()) item["required"] = required;
      s = {{"type", "array"}, {"items", item}, {"maxItems", f.max_items}};
      break;
    }
    case FieldType::kCustom:  // described with the type's custom fields (CustomSchema)
      s = {{"type", "object"}};
      break;
    case FieldType::kIdentifiers:
      s = {{"type", "array"},
           {"items", {{"type", "object"},
                      {"properties", {{"scheme", {{"type", "string"}}}, {"value", {{"type", "string"}}}}},
                      {"required", {"scheme", "value"}}}}};
      break;
  }
  if (f.max_length && (f.IsText())) s["maxLength"] = *f.max_length;
  if (!f.description.empty() && !s.contains("description")) s["description"] = f.description;
  return s;
}

Json Nullable(Json s) {
  if (s.contains("type") && s["type"].is_string()) s["type"] = {s["type"], "null"};
  if (s.contains("enum")) s["enum"].push_back(nullptr);
  return s;
}

// A record's `custom` object: one property per custom field of its type (nullable in a patch).
Json CustomSchema(const std::vector<Field>& custom, bool nullable_values) {
  Json props = Json::object();
  for (const Field& f : custom) props[f.name] = nullable_values ? Nullable(ValueSchema(f)) : ValueSchema(f);
  return {{"type", "object"},
          {"properties", props},
          {"additionalProperties", false},
          {"description", "values of the custom fields an admin added (GET /custom-fields)"}};
}

std::vector<const Field*> AllFields(const EntityType& t) {
  std::vector<const Field*> out;
  for (const Field& f : domain::CommonFields()) out.push_back(&f);
  for (const Field& f : t.fields) out.push_back(&f);
  return out;
}

Json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

Json ProblemResponses(std::initializer_list<int> statuses) {
  Json out = Json::object();
  for (int s : statuses) {
    out[std::to_string(s)] = {{"description", "problem"},
                              {"content", {{"application/problem+json", {{"schema", Ref("Problem")}}}}}};
  }
  return out;
}

Json JsonContent(Json schema) { return {{"application/json", {{"schema", std::move(schema)}}}}; }

Json Param(const std::string& name, const std::string& in, Json schema, bool required,
           const std::string& description) {
  Json p = {{"name", name}, {"in", in}, {"schema", std::move(schema)}, {"required", required}};
  if (!description.empty()) p["description"] = description;
  return p;
}

Json FilterParams(const EntityType& t, const std::vector<Field>& custom) {
  Json params = Json::array();
  std::vector<const Field*> fields = AllFields(t);
  for (const Field& f : custom) fields.push_back(&f);
  for (const Field* f : fields) {
    if (!f->filterable) continue;
    const std::string field = f->custom ? "custom." + f->name : f->name;
    for (domain::Op op : domain::OpsFor(*f)) {
      const std::string name = op == domain::Op::kEq ? field : field + "." + domain::OpName(op);
      params.push_back(Param(name, "query", {{"type", "string"}}, false,
                             std::string("filter: ") + domain::OpName(op)));
    }
  }
  params.push_back(Param("q", "query", {{"type", "string"}}, false, "text in any searchable field"));
  if (t.Find("identifiers")) {
    params.push_back(Param("identifier", "query", {{"type", "string"}}, false, "scheme:value"));
  }
  params.push_back(Param("deleted", "query", {{"type", "boolean"}}, false, "list the trash"));
  return params;
}

// What a UI needs to draw one field (and, for kObjects, each of its parts).
Json FieldMeta(const Field& f) {
  Json j = {{"name", f.name},
            {"type", domain::FieldTypeName(f.type)},
            {"label", LabelJson(f.label)},
            {"required", f.required},
            {"unique", f.unique},
            {"filterable", f.filterable},
            {"sortable", f.sortable},
            {"searchable", f.searchable},
            {"read_only", f.read_only}};
  if (f.max_length) j["max_length"] = *f.max_length;
  if (f.min) j["min"] = *f.min;
  if (f.max) j["max"] = *f.max;
  if (!f.pattern.empty()) j["pattern"] = f.pattern;
  if (!f.ref.empty()) j["ref"] = f.ref;
  if (f.codes == domain::CodeList::kCurrency) j["codes"] = "iso4217";
  if (f.codes == domain::CodeList::kSubdivision) j["codes"] = "iso3166-2";
  if (!f.depends_on.empty()) j["depends_on"] = f.depends_on;
  if (!f.default_value.is_null()) j["default"] = f.default_value;
  if (!f.description.empty()) j["description"] = f.description;
  if (f.type == FieldType::kEnum) {
    Json values = Json::array();
    for (const auto& v : f.values) {
      Json e = {{"value", v.value}, {"label", LabelJson(v.label)}};
      if (!v.applies_to.empty()) e["applies_to"] = v.applies_to;
      values.push_back(e);
    }
    j["values"] = values;
  }
  if (!f.transitions.empty()) j["transitions"] = f.transitions;
  if (f.type == FieldType::kObjects) {
    Json parts = Json::array();
    for (const Field& p : f.parts) parts.push_back(FieldMeta(p));
    j["parts"] = parts;
    j["max_items"] = f.max_items;
    if (!f.item_date.empty()) j["item_date"] = f.item_date;
  }
  if (f.filterable) {
    Json ops = Json::array();
    for (domain::Op op : domain::OpsFor(f)) ops.push_back(domain::OpName(op));
    j["filter_ops"] = ops;
    j["groupable"] = domain::Groupable(f);
  }
  return j;
}

}  // namespace

Json BuildMeta(const domain::Registry& registry, const domain::CustomFields& custom) {
  Json types = Json::array();
  for (const EntityType& t : registry.types()) {
    Json fields = Json::array();
    for (const Field* f : AllFields(t)) {
      Json j = FieldMeta(*f);
      j["common"] = domain::IsCommonField(f->name);
      fields.push_back(j);
    }
    // Custom fields: read and written inside `custom`, filtered as custom.NAME.
    Json custom_fields = Json::array();
    for (const Field& f : custom.Of(t.name)) {
      Json j = FieldMeta(f);
      j["path"] = "custom." + f.name;
      custom_fields.push_back(j);
    }
    types.push_back({{"name", t.name},
                     {"plural", t.plural},
                     {"label", LabelJson(t.label)},
                     {"plural_label", LabelJson(t.plural_label)},
                     {"key_field", t.key_field.empty() ? "id" : t.key_field},
                     {"title_field", t.title_field},
                     {"reference_data", t.reference_data},
                     {"timeline", t.timeline_subject},
                     {"on_timelines", !t.timeline_date.empty()},
                     {"path", "/api/v1/" + t.plural},
                     {"fields", fields},
                     {"custom_fields", custom_fields}});
  }
  return {{"api", "/api/v1"}, {"languages", {"vi", "en"}}, {"entities", types}};
}

Json BuildOpenApi(const domain::Registry& registry, const domain::CustomFields& custom,
                  const std::string& version) {
  Json schemas = Json::object();
  // The fixed shapes, written as the JSON they are.
  schemas["Problem"] = Json::parse(R"({
    "type": "object",
    "properties": {
      "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
      "detail": {"type": "string"},
      "errors": {"type": "array", "items": {"type": "object",
        "properties": {"field": {"type": "string"}, "reason": {"type": "string"}},
        "required": ["field", "reason"]}}},
    "required": ["title", "status", "detail", "errors"]})");
  schemas["Counts"] = Json::parse(R"({
    "type": "object",
    "properties": {
      "by": {"type": "string"}, "total": {"type": "integer"},
      "counts": {"type": "array", "items": {"type": "object",
        "properties": {"value": {}, "count": {"type": "integer"}}}}}})");
  schemas["History"] = Json::parse(R"({
    "type": "object",
    "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
      "version": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
      "actor": {"type": "string"},
      "action": {"type": "string", "enum": ["create", "update", "delete", "restore", "upload", "remove_field", "erase"]},
      "changes": {"type": "object"}}}}}})");
  schemas["Timeline"] = Json::parse(R"({
    "type": "object",
    "properties": {
      "next_offset": {"type": ["integer", "null"]},
      "items": {"type": "array", "items": {"type": "object", "properties": {
        "entity": {"type": "string"}, "id": {"type": "integer"},
        "at": {"type": ["string", "null"]}, "title": {},
        "kind": {"type": "string"}, "status": {"type": "string"},
        "item": {"type": "object", "properties": {
          "field": {"type": "string"}, "index": {"type": "integer"}, "value": {"type": "object"}}}},
        "required": ["entity", "id", "at", "title"]}}},
    "required": ["items", "next_offset"]})");
  Json paths = Json::object();
  const Json problem_list = ProblemResponses({400, 404, 409, 412, 428, 503});
  auto ok = [](Json schema) { return Json{{"description", "OK"}, {"content", JsonContent(std::move(schema))}}; };
  paths["/health"]["get"] = {{"operationId", "health"}, {"summary", "liveness and version"},
                             {"responses", {{"200", ok({{"type", "object"}})}}}};
  paths["/meta"]["get"] = {{"operationId", "meta"}, {"summary", "entity declarations for UIs"},
                           {"responses", {{"200", ok({{"type", "object"}})}}}};
  paths["/openapi.json"]["get"] = {{"operationId", "openapi"}, {"summary", "this document"},
                                   {"responses", {{"200", ok({{"type", "object"}})}}}};
  paths["/stats"]["get"] = {{"operationId", "stats"}, {"summary", "live records per type"},
                            {"responses", {{"200", ok({{"type", "object"}})}}}};
  {
    Json types = Json::array();
    for (const EntityType& t : registry.types()) types.push_back(t.name);
    schemas["SearchHit"] = Json::parse(R"({"type": "object", "properties": {
        "type": {"type": "string"}, "id": {"type": "integer"}, "title": {"type": "string"},
        "match": {"enum": ["exact", "prefix", "name", "text"]},
        "snippet": {"type": "array", "items": {"type": "object", "properties": {
          "text": {"type": "string"}, "match": {"const": true}}, "required": ["text"]}}},
      "required": ["type", "id", "title", "match", "snippet"]})");
    Json responses = ProblemResponses({400, 503});
    responses["200"] = ok({{"type", "object"},
                           {"properties", {{"items", {{"type", "array"}, {"items", Ref("SearchHit")}}}}},
                           {"required", {"items"}}});
    paths["/search"]["get"] = {
        {"operationId", "search"},
        {"summary", "every record the user may see, best first (docs/api.md#search)"},
        {"parameters",
         {Param("q", "query", {{"type", "string"}, {"maxLength", 200}}, true,
                "words, in any case and without diacritics; the last one a prefix"),
          Param("types", "query", {{"type", "string"}}, false,
                "entity names, comma-separated: " + types.dump()),
          Param("limit", "query", {{"type", "integer"}, {"minimum", 1}, {"maximum", 50}, {"default", 10}}, false,
                "at most this many hits")}},
        {"responses", responses}};
  }
  for (const EntityType& t : registry.types()) {
    const std::string P = Pascal(t.name);
    Json props = Json::object(), input = Json::object(), required = Json::array();
    const std::vector<Field>& own = custom.Of(t.name);
    for (const Field* f : AllFields(t)) {
      const Json value = f->type == FieldType::kCustom ? CustomSchema(own, false) : ValueSchema(*f);
      props[f->name] = Nullable(value);
      if (!f->read_only) input[f->name] = value;
      if (f->required && !f->read_only) required.push_back(f->name);
    }
    schemas[P] = {{"type", "object"}, {"properties", props}};
    schemas[P + "Input"] = {{"type", "object"}, {"properties", input},
                            {"additionalProperties", false}, {"required", required}};
    Json patch_props = Json::object();
    for (auto& [k, v] : input.items()) patch_props[k] = Nullable(v);
    patch_props["custom"] = Nullable(CustomSchema(own, true));
    schemas[P + "Patch"] = {{"type", "object"}, {"properties", patch_props}, {"additionalProperties", false}};
    schemas[P + "Page"] = {{"type", "object"},
                           {"properties", {{"items", {{"type", "array"}, {"items", Ref(P)}}},
                                           {"next_cursor", {{"type", {"string", "null"}}}},
                                           {"total", {{"type", "integer"}}}}},
                           {"required", {"items", "next_cursor"}}};
    const std::string base = "/" + t.plural;
    const std::string key = t.key_field.empty() ? "id" : t.key_field;
    Json list_params = FilterParams(t, own);
    list_params.push_back(Param("limit", "query", {{"type", "integer"}, {"minimum", 1}, {"maximum", 500}}, false, "page size (50)"));
    list_params.push_back(Param("cursor", "query", {{"type", "string"}}, false, "next_cursor of the previous page"));
    list_params.push_back(Param("sort", "query", {{"type", "string"}}, false, "field or -field"));
    list_params.push_back(Param("lang", "query", {{"type", "string"}, {"enum", {"vi", "en"}}}, false,
                                "the order of text: Vietnamese or English collation "
                                "(default: from Accept-Language)"));
    list_params.push_back(Param("Accept-Language", "header", {{"type", "string"}}, false,
                                "without lang: the first of vi, en it prefers orders text "
                                "(neither: en)"));
    list_params.push_back(Param("total", "query", {{"type", "boolean"}}, false, "also count all matches"));
    Json list_responses = problem_list;
    list_responses["200"] = ok(Ref(P + "Page"));
    paths[base]["get"] = {{"operationId", "list" + Pascal(t.plural)}, {"tags", {t.plural}},
                          {"parameters", list_params}, {"responses", list_responses}};
    if (!t.reference_data) {
      Json created = problem_list;
      created["201"] = {{"description", "created"}, {"content", JsonContent(Ref(P))}};
      paths[base]["post"] = {{"operationId", "create" + P}, {"tags", {t.plural}},
                             {"requestBody", {{"required", true}, {"content", JsonContent(Ref(P + "Input"))}}},
                             {"responses", created}};
    }
    Json count_params = FilterParams(t, own);
    count_params.push_back(Param("by", "query", {{"type", "string"}}, true, "the field to count by"));
    Json count_responses = problem_list;
    count_responses["200"] = ok(Ref("Counts"));
    paths[base + "/counts"]["get"] = {{"operationId", "count" + Pascal(t.plural)}, {"tags", {t.plural}},
                                      {"parameters", count_params}, {"responses", count_responses}};
    const std::string item = base + "/{" + key + "}";
    const Json key_param = Param(key, "path", {{"type", t.key_field.empty() ? "integer" : "string"}}, true, "");
    const Json if_match = Param("If-Match", "header", {{"type", "string"}}, true, "the ETag (version) read");
    Json get_responses = problem_list;
    get_responses["200"] = ok(Ref(P));
    paths[item]["parameters"] = {key_param};
    paths[item]["get"] = {{"operationId", "get" + P}, {"tags", {t.plural}}, {"responses", get_responses}};
    paths[item]["patch"] = {{"operationId", "update" + P}, {"tags", {t.plural}}, {"parameters", {if_match}},
                            {"requestBody", {{"required", true}, {"content", JsonContent(Ref(P + "Patch"))}}},
                            {"responses", get_responses}};
    Json history_responses = problem_list;
    history_responses["200"] = ok(Ref("History"));
    paths[item + "/history"]["parameters"] = {key_param};
    paths[item + "/history"]["get"] = {{"operationId", "history" + P}, {"tags", {t.plural}},
                                       {"responses", history_responses}};
    if (t.name == "document") {
      Json file_responses = ProblemResponses({400, 404, 409, 412, 413, 428});
      file_responses["200"] = {{"description", "the file, as an attachment with the type found from its bytes"},
                               {"content", {{"application/octet-stream", {{"schema", {{"type", "string"}, {"contentMediaType", "application/octet-stream"}}}}}}}};
      Json upload_responses = ProblemResponses({400, 404, 409, 412, 413, 428});
      upload_responses["200"] = ok(Ref(P));
      paths[item + "/file"]["parameters"] = {key_param};
      paths[item + "/file"]["get"] = {{"operationId", "downloadDocumentFile"}, {"tags", {t.plural}},
                                      {"responses", file_responses}};
      paths[item + "/file"]["put"] = {
          {"operationId", "uploadDocumentFile"}, {"tags", {t.plural}},
          {"summary", "store the file's bytes (kept by SHA-256; its type is found from the bytes)"},
          {"parameters", {if_match, Param("filename", "query", {{"type", "string"}}, false, "the original file name")}},
          {"requestBody", {{"required", true}, {"content", {{"application/octet-stream", {{"schema", {{"type", "string"}, {"contentMediaType", "application/octet-stream"}}}}}}}}},
          {"responses", upload_responses}};
    }
    if (t.timeline_subject) {
      Json timeline_responses = ProblemResponses({400, 404});
      timeline_responses["200"] = ok(Ref("Timeline"));
      paths[item + "/timeline"]["parameters"] = {key_param};
      paths[item + "/timeline"]["get"] = {
          {"operationId", "timeline" + P}, {"tags", {t.plural}},
          {"summary", "every delegation, event, agreement, award, aid transaction and interaction touching it, newest first"},
          {"parameters", {Param("entity", "query", {{"type", "string"}}, false, "only this type"),
                          Param("limit", "query", {{"type", "integer"}, {"minimum", 1}, {"maximum", 500}}, false, "page size (50)"),
                          Param("offset", "query", {{"type", "integer"}, {"minimum", 0}}, false, "next_offset of the previous page")}},
          {"responses", timeline_responses}};
    }
    if (t.name == "person") {
      Json export_responses = ProblemResponses({400, 403, 404});
      export_responses["200"] = ok({{"type", "object"}});
      paths[item + "/export"]["parameters"] = {key_param};
      paths[item + "/export"]["get"] = {
          {"operationId", "exportPerson"}, {"tags", {t.plural}},
          {"summary", "everything held about the person: the record, its history, the records naming them and "
                      "the audit entries about them (admins and auditors of the person's unit; audited)"},
          {"responses", export_responses}};
      Json erase_responses = ProblemResponses({400, 403, 404, 409, 412, 428});
      erase_responses["200"] = ok(Ref(P));
      paths[item + "/erase"]["parameters"] = {key_param};
      paths[item + "/erase"]["post"] = {
          {"operationId", "erasePerson"}, {"tags", {t.plural}},
          {"summary", "anonymise the person in place and erase the values of their history (admins of the "
                      "person's unit; irreversible; audited)"},
          {"parameters", {if_match}}, {"responses", erase_responses}};
    }
    if (domain::HasTotals(t)) {
      Json totals_responses = ProblemResponses({400, 404, 409});
      totals_responses["200"] = ok({{"type", "object"}});
      paths[item + "/totals"]["parameters"] = {key_param};
      paths[item + "/totals"]["get"] = {
          {"operationId", "totals" + P}, {"tags", {t.plural}},
          {"summary", "amounts converted to one currency at the rate of each amount's date, beside the originals"},
          {"parameters", {Param("currency", "query", {{"type", "string"}, {"pattern", "^[A-Z]{3}$"}}, true,
                                "ISO 4217 code to total in")}},
          {"responses", totals_responses}};
    }
    if (!t.reference_data) {
      paths[item]["delete"] = {{"operationId", "delete" + P}, {"tags", {t.plural}},
                               {"summary", "move to the trash"}, {"responses", get_responses}};
      paths[item + "/restore"]["parameters"] = {key_param};
      paths[item + "/restore"]["post"] = {{"operationId", "restore" + P}, {"tags", {t.plural}},
                                          {"responses", get_responses}};
    }
  }
  Json sub_responses = ProblemResponses({400, 404});
  sub_responses["200"] = ok(Ref("SubdivisionPage"));
  paths["/countries/{code}/subdivisions"] = {
      {"parameters", {Param("code", "path", {{"type", "string"}}, true, "")}},
      {"get", {{"operationId", "listCountrySubdivisions"}, {"tags", {"countries"}}, {"responses", sub_responses}}}};
  return {{"openapi", "3.1.0"},
          {"info", {{"title", "Amity API"}, {"version", version},
                    {"description", "External-relations management: partners, exchanges, plans and reports."}}},
          {"servers", {{{"url", "/api/v1"}}}},
          {"paths", paths},
          {"components", {{"schemas", schemas}}}};
}

}  // namespace amity::http
