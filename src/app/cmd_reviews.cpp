// `worthit reviews predict [--model PATH] [--json]`: one review per line on stdin, one prediction
// per line on stdout ("4" or {"stars": 4, "probs": [...], "expected": ..}).
#include <cstdio>
#include <iostream>
#include <string>

#include "analysis/reviews/review_model.h"
#include "app/command.h"

namespace worthit::app {
namespace {

const CommandRegistrar kReviews(
    {"reviews", "Review model tools (predict)", 61, [](CLI::App& sub) -> CommandRun {
       struct Options {
         std::string model;
         std::string lang;
         bool json = false;
       };
       auto o = std::make_shared<Options>();
       auto* predict = sub.add_subcommand("predict", "Predict stars for one review per line on stdin");
       predict->add_option("--model", o->model, "Model file (default: MODEL_PATH)");
       predict->add_option("--lang", o->lang, "Language of the reviews (selects the calibration)");
       predict->add_flag("--json", o->json, "One JSON object per line");
       sub.require_subcommand(1);
       return [o] {
         std::string path = o->model;
         if (path.empty()) {
           auto config = LoadConfig();
           if (!config.ok()) return kExitUsage;
           path = config->Get("MODEL_PATH");
         }
         auto model = analysis::reviews::LoadReviewModel(path);
         if (!model.ok()) {
           std::cerr << "worthit reviews predict: " << model.error().ToString() << "\n";
           return kExitUnavailable;
         }
         std::string line;
         char buf[256];
         while (std::getline(std::cin, line)) {
           const auto p = (*model)->Predict(line, o->lang);
           if (o->json) {
             std::snprintf(buf, sizeof buf,
                           "{\"stars\": %d, \"probs\": [%.4f, %.4f, %.4f, %.4f, %.4f], \"expected\": %.3f, "
                           "\"calibrated\": %.3f}\n",
                           p.stars, p.probs[0], p.probs[1], p.probs[2], p.probs[3], p.probs[4], p.expected,
                           p.calibrated);
             std::cout << buf;
           } else {
             std::cout << p.stars << "\n";
           }
         }
         return kExitOk;
       };
     }});

}  // namespace
}  // namespace worthit::app
