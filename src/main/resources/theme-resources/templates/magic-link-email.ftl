<#-- Email magic link, step 1: ask for the email address. Reads magicLink.email (optional, the address typed before). -->
<#import "template.ftl" as layout>
<#assign ml = magicLink!{}>
<#assign emailError = messagesPerField.existsError('email')>
<@layout.registrationLayout displayMessage=!emailError; section>
    <#if section = "header">
        ${msg("magicLink.emailTitle")}
    <#elseif section = "form">
        <!-- template: magic-link-email.ftl -->
        <p id="ml-email-intro" class="pf-v5-u-mb-md">${msg("magicLink.emailIntro")}</p>
        <form id="kc-magic-link-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormGroupLabelClass!}">
                    <label for="email" class="${properties.kcFormLabelClass!}">
                        <span class="${properties.kcFormLabelTextClass!}">${msg("magicLink.emailLabel")}</span>
                    </label>
                </div>
                <span class="${properties.kcInputClass!}<#if emailError> ${properties.kcError!}</#if>">
                    <input id="email" name="email" type="email" value="${ml.email!''}"
                           autocomplete="email" autocapitalize="none" spellcheck="false" autofocus
                           <#if emailError>aria-invalid="true" aria-describedby="input-error-email"</#if>/>
                    <#if emailError>
                        <span class="${properties.kcFormControlUtilClass!}">
                            <span class="${properties.kcInputErrorIconStatusClass!}">
                                <i class="${properties.kcInputErrorIconClass!}" aria-hidden="true"></i>
                            </span>
                        </span>
                    </#if>
                </span>
                <div id="input-error-container-email">
                    <#if emailError>
                        <div class="${properties.kcFormHelperTextClass!}" aria-live="polite">
                            <div class="${properties.kcInputHelperTextClass!}">
                                <div class="${properties.kcInputHelperTextItemClass!} ${properties.kcError!}" id="input-error-email">
                                    <span class="${properties.kcInputErrorMessageClass!}">${messagesPerField.get('email')}</span>
                                </div>
                            </div>
                        </div>
                    </#if>
                </div>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormActionGroupClass!}">
                    <button class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}"
                            name="send" id="kc-send" type="submit">${msg("magicLink.send")}</button>
                </div>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
