// The concrete ResultStore backends, for the factory (store_factory.cpp) and tests. Internal to
// store/; see result_store.h for the contract.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/result_store.h"
#include "store/sqlite_db.h"

namespace worthit::store {

std::shared_ptr<ResultStore> MakeMemoryResultStore();
std::shared_ptr<ResultStore> MakeSqliteResultStore(std::shared_ptr<SqliteDb> db);

// Most analysed first, ties by id (stable output).
void SortPopular(std::vector<PopularItem>& items);
// Dedupe key of a learned review: the same text in the same language is one review.
std::string LearnedReviewKey(const LearnedReview& review);

}  // namespace worthit::store
