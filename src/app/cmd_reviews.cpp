// `worthit reviews predict [--model PATH] [--lang LANG] [--json] [--sentences]`: one review per
// line on stdin, one prediction per line on stdout: "4" or
// {"stars": 4, "probs": [p1..p5], "expected": e, "calibrated": c}; --sentences adds each
// sentence's prediction ("4\t5 3" or a "sentences" array), as pros and cons use them.
// Without --lang each line's language is detected (analysis/extract/language.h), as the worker
// does for a page's reviews: it selects the calibration map and, for Italian, the lexical bridge
// to English the model needs. --json then adds "lang" (the detected code, "" if none stood out).
#include <cstdio>
#include <iostream>
#include <string>

#include <boost/json.hpp>

#include "analysis/extract/language.h"
#include "analysis/reviews/review_model.h"
#include "analysis/reviews/text_normalizer.h"
#include "app/command.h"
#include "app/model_path.h"

namespace worthit::app {
namespace {

const CommandRegistrar kReviews(
    {"reviews", "Review model tools (predict)", 61, [](CLI::App& sub) -> CommandRun {
       struct Options {
         std::string model;
         std::string lang;
         bool json = false;
         bool sentences = false;
       };
       auto o = std::make_shared<Options>();
       auto* predict = sub.add_subcommand("predict", "Predict stars for one review per line on stdin");
       predict->add_option("--model", o->model, "Model file (default: MODEL_PATH)");
       predict->add_option("--lang", o->lang,
                           "Language of every review (default: detected per line; selects the calibration "
                           "and the lexical bridge)");
       predict->add_flag("--json", o->json, "One JSON object per line");
       predict->add_flag("--sentences", o->sentences, "Also predict each sentence of the review");
       sub.require_subcommand(1);
       return [o] {
         std::string path = o->model;
         if (path.empty()) {
           auto config = LoadConfig();
           if (!config.ok()) return kExitUsage;
           path = ResolveModelPath(config->Get("MODEL_PATH"));
         }
         auto model = analysis::reviews::LoadReviewModel(path);
         if (!model.ok()) {
           std::cerr << "worthit reviews predict: " << model.error().ToString() << "\n";
           return kExitUnavailable;
         }
         // printf, not boost::json, for the numbers: "0.1903", never "1.903E-1".
         auto to_json = [](const analysis::reviews::StarPrediction& p) {
           char buf[192];
           std::snprintf(buf, sizeof buf,
                         "{\"stars\": %d, \"probs\": [%.4f, %.4f, %.4f, %.4f, %.4f], \"expected\": %.3f, "
                         "\"calibrated\": %.3f",
                         p.stars, p.probs[0], p.probs[1], p.probs[2], p.probs[3], p.probs[4], p.expected, p.calibrated);
           return std::string(buf);
         };
         std::string line;
         while (std::getline(std::cin, line)) {
           // The whole review decides its sentences' language: one sentence is too little to detect.
           const std::string lang = o->lang.empty() ? analysis::extract::DetectLanguage(line) : o->lang;
           const auto p = (*model)->Predict(line, lang);
           std::vector<std::string> parts;
           std::vector<analysis::reviews::StarPrediction> per_sentence;
           if (o->sentences) {
             parts = analysis::reviews::SplitSentences(line);
             per_sentence = (*model)->PredictBatch(parts, lang);
           }
           if (o->json) {
             std::string out = to_json(p);
             if (o->lang.empty()) out += ", \"lang\": " + boost::json::serialize(boost::json::value(lang));
             if (o->sentences) {
               out += ", \"sentences\": [";
               for (size_t i = 0; i < parts.size(); ++i) {
                 if (i > 0) out += ", ";
                 out += to_json(per_sentence[i]) +
                        ", \"text\": " + boost::json::serialize(boost::json::value(parts[i])) + "}";
               }
               out += "]";
             }
             std::cout << out << "}\n";
           } else {
             std::cout << p.stars;
             for (size_t i = 0; i < per_sentence.size(); ++i)
               std::cout << (i == 0 ? "\t" : " ") << per_sentence[i].stars;
             std::cout << "\n";
           }
         }
         return kExitOk;
       };
     }});

}  // namespace
}  // namespace worthit::app
