<#-- Magic link opened on another device: show where the request came from and let the user pick the waiting code.
     Rendered outside the flow. Reads magicLink.actionUrl, key, requestBrowser, requestIp, requestTime, choices. -->
<#import "template.ftl" as layout>
<#assign ml = magicLink!{}>
<#macro detail id label value>
    <div class="pf-v5-c-description-list__group">
        <dt class="pf-v5-c-description-list__term"><span class="pf-v5-c-description-list__text">${label}</span></dt>
        <dd class="pf-v5-c-description-list__description">
            <div class="pf-v5-c-description-list__text pf-v5-u-text-break-word" id="${id}"><#if value?has_content>${value}<#else>${msg("magicLink.unknown")}</#if></div>
        </dd>
    </div>
</#macro>
<@layout.registrationLayout displayInfo=false displayMessage=false; section>
    <#if section = "header">
        ${msg("magicLink.approveTitle")}
    <#elseif section = "form">
        <!-- template: magic-link-approve.ftl -->
        <p id="ml-approve-text">${msg("magicLink.approveText")}</p>
        <dl id="ml-request" class="pf-v5-c-description-list pf-m-horizontal pf-m-compact pf-v5-u-my-md">
            <@detail id="ml-request-browser" label=msg("magicLink.requestBrowser") value=(ml.requestBrowser!"")?truncate(200)/>
            <@detail id="ml-request-ip" label=msg("magicLink.requestIp") value=ml.requestIp!""/>
            <@detail id="ml-request-time" label=msg("magicLink.requestTime") value=ml.requestTime!""/>
        </dl>
        <form id="ml-approve-form" class="${properties.kcFormClass!}" action="${ml.actionUrl!""}" method="post">
            <input type="hidden" name="key" value="${ml.key!""}">
            <div class="${properties.kcFormGroupClass!}">
                <p id="ml-choices-label">${msg("magicLink.pickCode")}</p>
                <div id="ml-choices" class="pf-v5-l-split pf-m-wrap pf-m-gutter pf-v5-u-mt-sm" role="group" aria-labelledby="ml-choices-label">
                    <#list (ml.choices)![] as c>
                        <button type="submit" name="choice" value="${c}" id="ml-choice-${c?index}"
                                class="${properties.kcButtonSecondaryClass!} pf-m-display-lg pf-v5-u-flex-grow-1 pf-v5-u-font-family-monospace">${c}</button>
                    </#list>
                </div>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormActionGroupClass!}">
                    <button type="submit" name="choice" value="none" id="ml-deny"
                            class="${properties.kcButtonSecondaryClass!} pf-m-danger ${properties.kcButtonBlockClass!}">${msg("magicLink.deny")}</button>
                </div>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
