"""参加支援 (社会福祉法第106条の4第2項第2号): people at a 受入先・協力事業者, their activities and attendance."""
