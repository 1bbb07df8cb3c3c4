// `worthit train --data CSV [--data CSV...] --out PATH`: trains the review model, prints the
// held-out evaluation per language. Data sources are gathered into one list of LabelledReview
// values; a new source (the learned-reviews store) adds its reviews to the same list.
#include <iostream>

#include "analysis/reviews/review_trainer.h"
#include "app/command.h"

namespace worthit::app {
namespace {

const CommandRegistrar kTrain(
    {"train", "Train and evaluate the review model (fastText)", 60, [](CLI::App& sub) -> CommandRun {
       struct Options {
         std::vector<std::string> data;
         analysis::reviews::TrainOptions train;
       };
       auto o = std::make_shared<Options>();
       sub.add_option("--data", o->data, "CSV with columns lang,stars,text (repeatable)")->required();
       sub.add_option("--out", o->train.out_path, "Model file to write (.ftz); calibration goes next to it")
           ->capture_default_str();
       sub.add_option("--epoch", o->train.epoch, "Training epochs")->capture_default_str();
       sub.add_option("--lr", o->train.lr, "Learning rate")->capture_default_str();
       sub.add_option("--word-ngrams", o->train.word_ngrams, "Word n-gram length")->capture_default_str();
       sub.add_option("--dim", o->train.dim, "Vector dimension")->capture_default_str();
       sub.add_option("--minn", o->train.minn, "Shortest subword (0 = no subwords)")->capture_default_str();
       sub.add_option("--maxn", o->train.maxn, "Longest subword")->capture_default_str();
       sub.add_option("--bucket", o->train.bucket, "Hashed n-gram rows")->capture_default_str();
       sub.add_option("--threads", o->train.threads, "Training threads (1 = reproducible)")->capture_default_str();
       sub.add_option("--seed", o->train.seed, "Random seed")->capture_default_str();
       sub.add_option("--cutoff", o->train.cutoff, "Rows kept by quantization (0 = all, no retrain)")
           ->capture_default_str();
       sub.add_flag("!--no-quantize", o->train.quantize, "Save the full-precision model");
       return [o] {
         std::vector<analysis::reviews::LabelledReview> all;
         for (const auto& path : o->data) {
           auto rows = analysis::reviews::ReadLabelledCsv(path);
           if (!rows.ok()) {
             std::cerr << "worthit train: " << rows.error().ToString() << "\n";
             return kExitUsage;
           }
           std::cerr << path << ": " << rows->size() << " labelled reviews\n";
           all.insert(all.end(), std::make_move_iterator(rows->begin()), std::make_move_iterator(rows->end()));
         }
         auto report = analysis::reviews::TrainReviewModel(all, o->train);
         if (!report.ok()) {
           std::cerr << "worthit train: " << report.error().ToString() << "\n";
           return report.error().kind == ErrorKind::kInvalidInput ? kExitUsage : kExitFailure;
         }
         std::cout << analysis::reviews::FormatTrainReport(*report);
         return kExitOk;
       };
     }});

}  // namespace
}  // namespace worthit::app
