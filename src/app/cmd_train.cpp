// `worthit train --data CSV [--data CSV...] [--from-store] --out PATH`: trains the review model,
// prints the held-out evaluation per language. Data sources are gathered into one list of
// LabelledReview values; --from-store adds the reviews the workers learned (LEARN_REVIEWS=true)
// from the ResultStore at STORE_URL (text, stars, language only).
#include <iostream>

#include "analysis/reviews/negation_marker.h"
#include "analysis/reviews/review_cv.h"
#include "analysis/reviews/review_trainer.h"
#include "app/command.h"
#include "app/front_door.h"
#include "store/store_factory.h"

namespace worthit::app {
namespace {

const CommandRegistrar kTrain(
    {"train", "Train and evaluate the review model (fastText)", 60, [](CLI::App& sub) -> CommandRun {
       struct Options {
         std::vector<std::string> data;
         bool from_store = false;
         analysis::reviews::TrainOptions train;
         int cv_folds = 0;
         std::string cv_predictions;
       };
       auto o = std::make_shared<Options>();
       sub.add_option("--data", o->data, "CSV with columns lang,stars,text (repeatable)");
       sub.add_flag("--from-store", o->from_store, "Add the learned reviews of STORE_URL (LEARN_REVIEWS=true)");
       sub.add_option("--out", o->train.out_path, "Model file to write (.ftz); calibration and companion go next to it")
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
       sub.add_option("--splits-dir", o->train.splits_dir,
                      "Also write the normalised train/valid/test splits there (fastText format)");
       sub.add_option("--neighbour-utility", o->train.neighbour_utility,
                      "Decision rule: utility of a one-star miss (<0 = fit on validation, 0 = argmax)")
           ->capture_default_str();
       sub.add_flag("!--no-test", o->train.evaluate_test,
                    "Do not evaluate on the test split (for sweeps: compare on validation only)");
       sub.add_flag("--ensemble", o->train.companion,
                    "Also train the words-only companion <out>.words.ftz and ship the average of both");
       sub.add_option(
              "--main-weight", o->train.main_weight,
              "Ensemble / fold: weight of the main model's probabilities / logits (the companion gets the rest)")
           ->capture_default_str();
       sub.add_flag("--refit", o->train.refit_with_validation,
                    "After fitting calibration and rule on validation, retrain the model on training + validation");
       sub.add_flag("!--no-fold", o->train.fold,
                    "Train the main model alone (default: fold the words-only companion into it)");
       sub.add_option("--fold-scale", o->train.fold_scale, "Folded ensemble: companion row scale (<=0 = measured)")
           ->capture_default_str();
       sub.add_option("--fold-bucket-factor", o->train.fold_bucket_factor,
                      "Folded ensemble: buckets of the folded model, in multiples of --bucket")
           ->capture_default_str();
       sub.add_option("--negation-scope", o->train.negation_scope,
                      "Mark this many words after a negation (\"not good\" -> \"not neg_good\"; 0 = off)")
           ->capture_default_str()
           ->check(CLI::Range(0, analysis::reviews::kMaxNegationScope));
       sub.add_option("--dsub", o->train.dsub, "Quantization: dimensions per product-quantizer sub-vector")
           ->capture_default_str();
       sub.add_flag("!--no-quantize", o->train.quantize, "Save the full-precision model");
       sub.add_option("--cv", o->cv_folds,
                      "Instead of training: K-fold cross-validation (2..10) over training + validation with these "
                      "options, candidates compared per language (writes no model; never reads the test split)")
           ->check(CLI::Range(2, 10));
       sub.add_option("--cv-predictions", o->cv_predictions, "With --cv: write the out-of-fold predictions (TSV)");
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
         if (o->from_store) {
           auto config = LoadConfig();
           if (!config.ok()) return kExitUsage;
           auto stores = store::OpenFrontDoorStores(EffectiveStoreUrl(*config), SystemClock::Instance(),
                                                    config->Get("REDIS_PREFIX"));
           if (!stores.ok()) {
             std::cerr << "worthit train: " << stores.error().ToString() << "\n";
             return kExitUnavailable;
           }
           // A bound on memory; far more than a store gathers between trainings.
           auto learned = stores->results->LearnedReviews(5'000'000);
           if (!learned.ok()) {
             std::cerr << "worthit train: " << learned.error().ToString() << "\n";
             return kExitUnavailable;
           }
           std::cerr << "store: " << learned->size() << " learned reviews\n";
           for (auto& r : *learned) {
             if (r.stars >= 1 && r.stars <= 5 && !r.text.empty()) all.push_back({r.lang, r.stars, std::move(r.text)});
           }
         }
         if (o->data.empty() && !o->from_store) {
           std::cerr << "worthit train: give --data CSV and/or --from-store\n";
           return kExitUsage;
         }
         if (o->cv_folds > 0) {
           analysis::reviews::CvOptions cv;
           cv.folds = o->cv_folds;
           cv.predictions_path = o->cv_predictions;
           auto cv_report = analysis::reviews::CrossValidateReviewModel(all, o->train, cv);
           if (!cv_report.ok()) {
             std::cerr << "worthit train: " << cv_report.error().ToString() << "\n";
             return cv_report.error().kind == ErrorKind::kInvalidInput ? kExitUsage : kExitFailure;
           }
           std::cout << analysis::reviews::FormatCvReport(*cv_report);
           return kExitOk;
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
