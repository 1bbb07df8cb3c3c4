#include "app/webhook_wiring.h"

namespace worthit::app {

std::shared_ptr<const webhook::WebhookHandler> MakeWebhookHandler(const Config& config, std::shared_ptr<FrontDoor> fd,
                                                                  std::shared_ptr<EventFrontDoor> event) {
  webhook::WebhookHandlerOptions hopts;
  hopts.path = config.Get("WEBHOOK_PATH");
  hopts.secret = config.Get("WEBHOOK_SECRET");
  hopts.previous_secret = config.Get("WEBHOOK_SECRET_PREVIOUS");
  hopts.max_body_bytes = static_cast<size_t>(config.GetInt("WEBHOOK_MAX_BODY_BYTES"));
  return std::make_shared<const webhook::WebhookHandler>(
      hopts,
      [fd](const telegram::Update& u) -> Status {
        auto r = fd->bot->HandleUpdate(u);
        if (!r.ok()) return r.error();
        return OkStatus();
      },
      [fd] { return fd->Ready(); },
      event ? webhook::AsyncUpdateSink([event](telegram::Update&& u, std::function<void(Status)> done) {
        event->Handle(std::move(u), std::move(done));
      })
            : webhook::AsyncUpdateSink());
}

}  // namespace worthit::app
