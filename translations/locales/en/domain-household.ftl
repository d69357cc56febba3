binding-no-match = The account number and the holder's name do not match; please check your heating bill and try again. Without the account number, you can find your home by its address.
binding-account-no-invalid = Please enter the account number on your heating bill (4 to 20 letters or digits)
binding-holder-name-missing = Please enter the holder's name
binding-at-the-counter = This household has no holder’s phone on file and no bound resident who could confirm. Please bring your ID card and a heating bill to a service counter, or call the heating hotline { $hotline }
binding-address-no-match = The holder's name does not match the one on record for this home. Check the name on the heating bill; if the home has changed hands, apply for a change of holder first; if the record is wrong, call the heating company on { $hotline }.
binding-pick-a-flat = Please choose your flat.
