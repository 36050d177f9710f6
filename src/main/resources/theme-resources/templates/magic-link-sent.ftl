<#-- Email magic link, step 2: "check your inbox", shows the waiting code and polls for the outcome.
     Reads magicLink.email, lifetimeSeconds, lifetimeAmount, lifetimeUnit (or the former lifetimeMinutes), code, statusUrl, continueUrl, refused, resent, resendRefused (booleans
     optional), canRestart (optional, default true: false hides "Use another email"), emailCode (boolean: show the field
     for the mailed one-time code), emailCodeLength, codeWrong, codeLocked (booleans). -->
<#import "template.ftl" as layout>
<#assign ml = magicLink!{}>
<#function flag name default=false>
    <#local v = ml[name]!default>
    <#if v?is_boolean><#return v></#if>
    <#return v?is_string && v == "true">
</#function>
<#function number v><#return v?is_number?then(v, (v?string)?number)></#function>
<#-- The lifetime as this locale words it ("5 minutes", "24 hours", "2 days"): lifetimeAmount in lifetimeUnit through
     tokenLogin.duration.<unit>, else the former lifetimeMinutes; the countdown uses the exact lifetimeSeconds. -->
<#if ["minutes", "hours", "days"]?seq_contains(ml.lifetimeUnit!"") && ml.lifetimeAmount??>
    <#assign lifetime = msg("tokenLogin.duration." + ml.lifetimeUnit, number(ml.lifetimeAmount))>
<#else>
    <#assign lifetime = msg("tokenLogin.duration.minutes", number(ml.lifetimeMinutes!1))>
</#if>
<#assign lifetimeSeconds = ml.lifetimeSeconds?has_content?then(number(ml.lifetimeSeconds!0), number(ml.lifetimeMinutes!0) * 60)>
<#assign email = (ml.email!"")?replace(r"${", "$ {")>
<@layout.registrationLayout displayInfo=false; section>
    <#if section = "header">
        ${msg("magicLink.sentTitle")}
    <#elseif section = "form">
        <!-- template: magic-link-sent.ftl -->
        <div id="ml-sent">
            <p id="ml-sent-text" class="pf-v5-u-text-break-word">${msg("magicLink.sentText", email, lifetime)}</p>

            <div class="pf-v5-u-text-align-center pf-v5-u-my-md">
                <p id="ml-code-label" class="pf-v5-u-color-200">${msg("magicLink.codeLabel")}</p>
                <p id="ml-code" class="pf-v5-u-font-size-4xl pf-v5-u-font-weight-bold pf-v5-u-font-family-monospace">${ml.code!""}</p>
                <p id="ml-code-help" class="pf-v5-u-font-size-sm pf-v5-u-color-200">${msg("magicLink.codeHelp")}</p>
            </div>

            <div id="ml-status" aria-live="polite">
                <div id="ml-refused"<#if !flag("refused")> hidden</#if>>
                    <div class="${properties.kcAlertClass!} pf-m-danger">
                        <div class="${properties.kcAlertIconClass!}"><span class="${properties.kcFeedbackErrorIcon!}" aria-hidden="true"></span></div>
                        <span class="${properties.kcAlertTitleClass!} kc-feedback-text">${msg("magicLink.refused")}</span>
                    </div>
                </div>
                <div id="ml-expired" hidden>
                    <div class="${properties.kcAlertClass!} pf-m-warning">
                        <div class="${properties.kcAlertIconClass!}"><span class="${properties.kcFeedbackWarningIcon!}" aria-hidden="true"></span></div>
                        <span class="${properties.kcAlertTitleClass!} kc-feedback-text">${msg("magicLink.expired")}</span>
                    </div>
                </div>
                <div id="ml-resend-refused"<#if !flag("resendRefused")> hidden</#if>>
                    <div class="${properties.kcAlertClass!} pf-m-warning">
                        <div class="${properties.kcAlertIconClass!}"><span class="${properties.kcFeedbackWarningIcon!}" aria-hidden="true"></span></div>
                        <span class="${properties.kcAlertTitleClass!} kc-feedback-text">${msg("magicLink.resendRefused")}</span>
                    </div>
                </div>
                <div id="ml-resent"<#if !flag("resent")> hidden</#if>>
                    <div class="${properties.kcAlertClass!} pf-m-info">
                        <div class="${properties.kcAlertIconClass!}"><span class="${properties.kcFeedbackInfoIcon!}" aria-hidden="true"></span></div>
                        <span class="${properties.kcAlertTitleClass!} kc-feedback-text">${msg("magicLink.resent")}</span>
                    </div>
                </div>
            </div>

            <#if flag("emailCode")>
            <form id="ml-code-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
                <div class="${properties.kcFormGroupClass!}">
                    <div class="${properties.kcFormGroupLabelClass!}">
                        <label for="emailCode" class="${properties.kcFormLabelClass!}">
                            <span class="${properties.kcFormLabelTextClass!}">${msg("magicLink.emailCodeLabel")}</span>
                        </label>
                    </div>
                    <span class="${properties.kcInputClass!}<#if flag("codeWrong") || flag("codeLocked")> ${properties.kcError!}</#if>">
                        <input id="emailCode" name="emailCode" type="text" inputmode="numeric" autocomplete="one-time-code"
                               pattern="[0-9 ]*" maxlength="${(ml.emailCodeLength!6)?c + 4}" aria-describedby="ml-email-code-help"
                               <#if flag("codeLocked")>disabled</#if>
                               <#if flag("codeWrong") || flag("codeLocked")>aria-invalid="true"</#if>/>
                    </span>
                    <p id="ml-email-code-help" class="pf-v5-u-font-size-sm pf-v5-u-color-200">${msg("magicLink.emailCodeHelp")}</p>
                    <#if flag("codeWrong")><p id="ml-code-wrong" class="${properties.kcInputErrorMessageClass!}" aria-live="polite">${msg("magicLink.emailCodeWrong")}</p></#if>
                    <#if flag("codeLocked")><p id="ml-code-locked" class="${properties.kcInputErrorMessageClass!}" aria-live="polite">${msg("magicLink.emailCodeLocked")}</p></#if>
                </div>
                <div class="${properties.kcFormGroupClass!}">
                    <div class="${properties.kcFormActionGroupClass!}">
                        <button class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}" id="ml-code-submit" type="submit"
                                <#if flag("codeLocked")>disabled</#if>>${msg("magicLink.emailCodeSubmit")}</button>
                    </div>
                </div>
            </form>
            </#if>

            <form id="ml-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
                <div class="${properties.kcFormGroupClass!}">
                    <div class="${properties.kcFormActionGroupClass!}">
                        <button class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}"
                                name="resend" id="ml-resend" value="true" type="submit">${msg("magicLink.resend")}</button>
                        <#if flag("canRestart", true)>
                        <button class="${properties.kcButtonLinkClass!} ${properties.kcButtonBlockClass!}"
                                name="restart" id="ml-restart" value="true" type="submit">${msg("magicLink.restart")}</button>
                        </#if>
                    </div>
                </div>
            </form>

            <#if ml.continueUrl?has_content>
            <noscript>
                <p id="ml-noscript">${msg("magicLink.noScript")} <a id="ml-continue" href="${ml.continueUrl}">${msg("magicLink.continue")}</a></p>
            </noscript>
            </#if>
        </div>

        <#if ml.statusUrl?has_content && ml.continueUrl?has_content>
        <script type="module">
            <#outputformat "JavaScript">
            const statusUrl = ${ml.statusUrl?c};
            const continueUrl = ${ml.continueUrl?c};
            const deadline = <#if lifetimeSeconds gt 0>Date.now() + ${(lifetimeSeconds * 1000)?c}<#else>Infinity</#if>;
            const interval = 2000;
            const blocks = new Map([["refused", "ml-refused"], ["expired", "ml-expired"]]);
            let timer;
            let busy = false;
            let stopped = false;

            function stop() {
                stopped = true;
                clearTimeout(timer);
            }

            function show(id) {
                for (const block of document.getElementById("ml-status").children) {
                    block.hidden = block.id !== id;
                }
            }

            async function poll() {
                if (stopped || busy) {
                    return;
                }
                if (Date.now() >= deadline) {
                    stop();
                    show("ml-expired");
                    return;
                }
                busy = true;
                try {
                    const response = await fetch(statusUrl, { cache: "no-store", credentials: "same-origin" });
                    if (response.ok && !stopped) {
                        const answer = await response.json();
                        const status = answer && answer.status;
                        if (status === "approved") {
                            stop();
                            window.location.href = continueUrl;
                        } else if (blocks.has(status)) {
                            stop();
                            show(blocks.get(status));
                        }
                    }
                } catch (e) {
                    // network error or unreadable answer: try again at the next tick
                } finally {
                    busy = false;
                }
                if (!stopped) {
                    clearTimeout(timer);
                    timer = setTimeout(poll, interval);
                }
            }

            // a submitted form (new link, other email, try another way) ends this page
            for (const form of document.forms) {
                form.addEventListener("submit", stop);
            }
            // phones pause background tabs: check at once when the page is shown again
            document.addEventListener("visibilitychange", () => {
                if (!document.hidden) {
                    poll();
                }
            });
            timer = setTimeout(poll, interval);
            </#outputformat>
        </script>
        </#if>
    </#if>
</@layout.registrationLayout>
