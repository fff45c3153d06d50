"""つなぐシート: referrals to other agencies and their replies, the sheet's forms, and the agency directory."""
